using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Broker.Cli.LogDirs;
using Broker.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ApiVersions;

/// <summary>
/// <c>broker-api-versions</c>: Kafka 3.6's kafka-broker-api-versions.sh. Lists the brokers (DescribeCluster), asks each
/// one ApiVersions over its own connection (<see cref="ProtocolClient"/>, plaintext only) and prints one block per
/// broker in Kafka's layout: <c>host:port (id: N rack: R) -&gt; (</c>, then one tab-indented line per API key in key
/// order, <c>Name(key): min to max [usable: v]</c> (usable against Kafka 3.6's client table,
/// <see cref="KafkaApiTable"/>), <c>UNSUPPORTED</c> for a client API the broker does not list, then <c>)</c>. A broker
/// that cannot be asked prints <c>-&gt; ERROR: reason</c>. Exit 0 once the cluster was listed; 1 otherwise.
/// </summary>
internal sealed class BrokerApiVersionsCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly OptionParser _parser = new OptionParser("This tool helps to retrieve broker version information.")
        .Arg("bootstrap-server", "server(s) to use for bootstrapping", "REQUIRED: The server to connect to.")
        .Arg("command-config", "command config property file", "A property file containing configs to be passed to Admin Client.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("This tool helps to retrieve broker version information.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;
        if (!options.Has("bootstrap-server")) throw new UsageException("Missing required argument \"[bootstrap-server]\"", _parser);

        var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
        var settings = ClientSettings.Build(options.Value("bootstrap-server")!, file, []);
        ProtocolClient.RequirePlaintext(settings, "broker-api-versions");
        DescribeClusterResult cluster;
        try
        {
            using var admin = new AdminClientBuilder(settings).SetLogHandler((_, m) => ClientSettings.Log(m))
                .SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
            cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = Timeout });
        }
        catch (KafkaException e)
        {
            System.Console.Error.WriteLine("Error: " + e.Error.Reason);
            return 1;
        }

        // Kafka's tool keeps the metadata answer's broker order, which comes from a HashMap keyed by id.
        foreach (var node in JavaHashOrder.Order(cluster.Nodes, n => n.Id))
        {
            string name = $"{node.Host}:{node.Port} (id: {node.Id} rack: {node.Rack ?? "null"})";
            try
            {
                await using var client = await ProtocolClient.ConnectAsync(node.Host, node.Port, "broker-api-versions", Timeout);
                System.Console.Out.Write($"{name} -> {Format(client.Versions)}\n");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                System.Console.Out.Write($"{name} -> ERROR: {e.Message}\n");
            }
        }

        return 0;
    }

    /// <summary>Kafka's NodeApiVersions.toString(lineBreaks: true).</summary>
    internal static string Format(ApiVersionsResponse versions)
    {
        var lines = new SortedDictionary<short, string>();
        var known = KafkaApiTable.All.ToDictionary(a => a.Key);
        foreach (var v in versions.ApiKeys)
        {
            string range = v.MinVersion == v.MaxVersion ? $"{v.MinVersion}" : $"{v.MinVersion} to {v.MaxVersion}";
            if (!known.TryGetValue(v.ApiKey, out var api))
            {
                lines[v.ApiKey] = $"UNKNOWN({v.ApiKey}): {range}";
                continue;
            }

            string usable = api.Latest < v.MinVersion ? "[unusable: node too new]"
                : v.MaxVersion < 0 ? "[unusable: node too old]"
                : $"[usable: {Math.Min(api.Latest, v.MaxVersion)}]";
            lines[v.ApiKey] = $"{api.Name}({api.Key}): {range} {usable}";
        }

        foreach (var api in KafkaApiTable.All.Where(a => a.ClientApi && !lines.ContainsKey(a.Key)))
            lines[api.Key] = $"{api.Name}({api.Key}): UNSUPPORTED";
        return "(\n\t" + string.Join(",\n\t", lines.Values) + "\n)";
    }
}
