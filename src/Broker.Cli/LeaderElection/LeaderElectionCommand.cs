using System.Text.Json.Nodes;
using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.LeaderElection;

/// <summary>
/// <c>leader-election</c>: Kafka 3.6's kafka-leader-election.sh. Sends ElectLeaders (preferred or unclean) for one
/// partition (--topic/--partition), a JSON file of partitions (--path-to-json-file, Kafka's
/// <c>{"partitions":[{"topic":"t","partition":0}]}</c>) or every partition (--all-topic-partitions), and prints Kafka's
/// lines: "Successfully completed leader election (PREFERRED) for partitions t-0, t-1", "Valid replica already elected
/// for partitions t-2", and per failure "Error completing leader election (PREFERRED) for partition: t-3: reason"
/// (librdkafka's reason where Kafka prints the Java exception). Partitions are listed sorted. Exit 1 when a partition
/// failed ("Error: N replica(s) could not be elected" on stderr), for usage errors and a request that failed whole.
/// </summary>
internal sealed class LeaderElectionCommand
{
    private readonly OptionParser _parser = new OptionParser(
            "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.")
        .Arg("bootstrap-server", "String: host:port", "A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED.")
        .Arg("admin.config", "String: config file", "Configuration properties files to pass to the admin client")
        .Arg("election-type", "[PREFERRED,UNCLEAN]: election type", "Type of election to attempt. Possible values are \"preferred\" for preferred leader election or \"unclean\" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED.")
        .Arg("topic", "String: topic name", "Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified.")
        .Arg("partition", "Integer: partition id", "Partition id for which to perform an election. REQUIRED if --topic is specified.")
        .Arg("path-to-json-file", "String: Path to JSON file", "The JSON file with the list  of partition for which leader elections should be performed. This is an example format. \n{\"partitions\":\n\t[{\"topic\": \"foo\", \"partition\": 1},\n\t {\"topic\": \"foobar\", \"partition\": 2}]\n}\nNot allowed if --all-topic-partitions or --topic flags are specified.")
        .Flag("all-topic-partitions", "Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;
        if (!options.Has("bootstrap-server")) throw new UsageException("Missing required option(s) [bootstrap-server]", _parser);
        if (!options.Has("election-type")) throw new UsageException("Missing required option(s) [election-type]", _parser);
        string typeText = options.Value("election-type")!.ToUpperInvariant();
        if (typeText is not ("PREFERRED" or "UNCLEAN")) throw new UsageException($"Unknown election type: {options.Value("election-type")}", _parser);
        var type = typeText == "PREFERRED" ? ElectionType.Preferred : ElectionType.Unclean;
        int sources = (options.Has("topic") ? 1 : 0) + (options.Has("path-to-json-file") ? 1 : 0) + (options.Has("all-topic-partitions") ? 1 : 0);
        if (sources != 1)
            throw new UsageException("One and only one of the following options is required: all-topic-partitions, topic, path-to-json-file", _parser);
        if (options.Has("topic") && !options.Has("partition")) throw new UsageException("Missing required option(s) [partition]", _parser);

        List<TopicPartition>? partitions = null;
        if (options.Has("topic"))
        {
            if (!int.TryParse(options.Value("partition"), out int p) || p < 0) throw new UsageException($"Invalid partition: {options.Value("partition")}", _parser);
            partitions = [new TopicPartition(options.Value("topic")!, p)];
        }
        else if (options.Value("path-to-json-file") is { } path)
        {
            try
            {
                partitions = ParseJson(File.ReadAllText(path));
            }
            catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                System.Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
        }

        var file = options.Value("admin.config") is { } config ? PropertiesFile.Load(config) : null;
        using var admin = new AdminClientBuilder(ClientSettings.Build(options.Value("bootstrap-server")!, file, []))
            .SetLogHandler((_, m) => ClientSettings.Log(m)).SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
        List<TopicPartitionError> results;
        try
        {
            results = (await admin.ElectLeadersAsync(type, partitions, null)).TopicPartitions;
        }
        catch (ElectLeadersException e)
        {
            results = e.Results.TopicPartitions;
        }
        catch (KafkaException e)
        {
            System.Console.Error.WriteLine("Error: " + e.Error.Reason);
            return 1;
        }

        return Print(typeText, results);
    }

    private static int Print(string type, List<TopicPartitionError> results)
    {
        var sorted = results.OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition.Value).ToList();
        var succeeded = sorted.Where(r => !r.Error.IsError).Select(Name).ToList();
        var noop = sorted.Where(r => r.Error.Code == ErrorCode.ElectionNotNeeded).Select(Name).ToList();
        var failed = sorted.Where(r => r.Error.IsError && r.Error.Code != ErrorCode.ElectionNotNeeded).ToList();
        var output = System.Console.Out;
        if (succeeded.Count > 0) output.WriteLine($"Successfully completed leader election ({type}) for partitions {string.Join(", ", succeeded)}");
        if (noop.Count > 0) output.WriteLine($"Valid replica already elected for partitions {string.Join(", ", noop)}");
        foreach (var f in failed) output.WriteLine($"Error completing leader election ({type}) for partition: {Name(f)}: {f.Error.Reason}");
        if (failed.Count == 0) return 0;
        System.Console.Error.WriteLine($"Error: {failed.Count} replica(s) could not be elected");
        return 1;
    }

    private static string Name(TopicPartitionError r) => $"{r.Topic}-{r.Partition.Value}";

    /// <summary>Kafka's election file: {"partitions":[{"topic":"t","partition":0}, ...]}.</summary>
    internal static List<TopicPartition> ParseJson(string text)
    {
        var root = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("The input string is not a JSON object");
        if (root["partitions"] is not JsonArray list) throw new FormatException("Missing partitions field");
        var result = new List<TopicPartition>();
        foreach (var entry in list)
        {
            string? topic = entry?["topic"]?.GetValue<string>();
            int? partition = entry?["partition"]?.GetValue<int>();
            if (topic is null || partition is not >= 0) throw new FormatException($"partitions entry {result.Count + 1} needs a \"topic\" and a \"partition\" number (0 or more)");
            result.Add(new TopicPartition(topic, partition.Value));
        }

        var duplicate = result.GroupBy(tp => tp).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"Replica election data contains duplicate partitions: {duplicate.Key.Topic}-{duplicate.Key.Partition.Value}");
        return result;
    }
}
