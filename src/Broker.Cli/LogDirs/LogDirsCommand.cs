using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.LogDirs;

/// <summary>
/// <c>log-dirs</c>: Kafka 3.6's kafka-log-dirs.sh. Lists the brokers (DescribeCluster through Confluent.Kafka), sends
/// DescribeLogDirs to each one asked for (librdkafka has no API for it: <see cref="ProtocolClient"/>, plaintext only)
/// and prints Kafka's lines: "Querying brokers for log directories information", "Received log directory information
/// from brokers 1,2,3", then one line of JSON with Kafka's key order (Jackson over HashMaps, see
/// <see cref="JavaHashOrder"/>). Exit 0 on success; 1 with a one-line reason on stderr otherwise.
/// </summary>
internal sealed class LogDirsCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Purpose = "This tool helps to query log directory usage on the specified brokers.";

    private readonly OptionParser _parser = new OptionParser(Purpose)
        .Arg("bootstrap-server", "The server(s) to use for bootstrapping", "REQUIRED: the server(s) to use for bootstrapping")
        .Arg("command-config", "Admin client property file", "Property file containing configs to be passed to Admin Client.")
        .Flag("describe", "Describe the specified log directories on the specified brokers.")
        .Arg("topic-list", "Topic list", "The list of topics to be queried in the form \"topic1,topic2,topic3\". All topics will be queried if no topic list is specified", "")
        .Arg("broker-list", "Broker list", "The list of brokers to be queried in the form \"0,1,2\". All brokers in the cluster will be queried if no broker list is specified", "")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException(Purpose, _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;
        foreach (string required in new[] { "bootstrap-server", "describe" })
        {
            if (!options.Has(required)) throw new UsageException($"Missing required argument \"[{required}]\"", _parser);
        }

        var topics = Split(options.Value("topic-list")).ToHashSet(StringComparer.Ordinal);
        var asked = new List<int>();
        foreach (string b in Split(options.Value("broker-list")))
        {
            if (!int.TryParse(b, out int id)) throw new UsageException($"Invalid broker id '{b}' in --broker-list: expected a number");
            if (!asked.Contains(id)) asked.Add(id);
        }

        var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
        var settings = ClientSettings.Build(options.Value("bootstrap-server")!, file, []);
        ProtocolClient.RequirePlaintext(settings, "log-dirs");
        try
        {
            using var admin = new AdminClientBuilder(settings).SetLogHandler((_, m) => ClientSettings.Log(m))
                .SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
            var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = Timeout });
            var clusterIds = cluster.Nodes.Select(n => n.Id).ToList();
            var missing = asked.Where(id => !clusterIds.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                System.Console.Error.WriteLine($"ERROR: The given brokers do not exist from --broker-list: {IdList(missing)}. Current existent brokers: {IdList(clusterIds)}");
                return 1;
            }

            var brokers = cluster.Nodes.Where(n => asked.Count == 0 || asked.Contains(n.Id)).ToList();
            System.Console.Out.WriteLine("Querying brokers for log directories information");
            var described = new List<(int Broker, DescribeLogDirsResponse Response)>();
            foreach (var node in brokers) described.Add((node.Id, await DescribeAsync(node)));
            System.Console.Out.WriteLine($"Received log directory information from brokers {IdList(brokers.Select(n => n.Id).ToList())}");
            System.Console.Out.WriteLine(LogDirsJson.Format(described, topics));
            return 0;
        }
        catch (Exception e) when (e is KafkaException or IOException or System.Net.Sockets.SocketException or TimeoutException or LogDirsException)
        {
            System.Console.Error.WriteLine(e is KafkaException k ? k.Error.Reason : e.Message);
            if (ClientSettings.Debug) System.Console.Error.WriteLine(e);
            return 1;
        }
    }

    private static async Task<DescribeLogDirsResponse> DescribeAsync(Node node)
    {
        await using var client = await ProtocolClient.ConnectAsync(node.Host, node.Port, "log-dirs-tool", Timeout);
        short version = client.Usable(ApiKey.DescribeLogDirs)
            ?? throw new LogDirsException($"Broker {node.Id} does not support DescribeLogDirs");
        var response = await client.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest { Topics = null }, version, Timeout);
        if (response.ErrorCode != 0)
            throw new LogDirsException($"Broker {node.Id} answered DescribeLogDirs with {(Broker.Protocol.ErrorCode)response.ErrorCode}");
        return response;
    }

    /// <summary>Kafka prints id sets (Java HashSets of Integer) joined by commas in hash order.</summary>
    private static string IdList(IReadOnlyList<int> ids) => string.Join(",", JavaHashOrder.Order(ids.Distinct().ToList(), id => id));

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(',').Where(s => s.Length > 0);

    private sealed class LogDirsException(string message) : Exception(message);
}
