using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.Topics;

/// <summary>--create, --list, --alter and --delete.</summary>
internal sealed partial class TopicsCommand
{
    private async Task CreateAsync(IAdminClient admin, ParsedOptions options)
    {
        string name = options.Value("topic")!;
        if (name.Contains('.') && name.Contains('_'))
            System.Console.Out.WriteLine("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could " +
                                         "collide. To avoid issues it is best to use either, but not both.");
        int? partitions = options.IntValue("partitions", _parser);
        int? replication = options.IntValue("replication-factor", _parser);
        if (replication is > short.MaxValue or < 1)
            throw new ArgumentException($"The replication factor must be between 1 and {short.MaxValue} inclusive");
        if (partitions is < 1) throw new ArgumentException("The partitions must be greater than 0");

        var spec = new TopicSpecification { Name = name, NumPartitions = partitions ?? -1, ReplicationFactor = (short)(replication ?? -1) };
        if (ParseAssignment(options.Value("replica-assignment")) is { } assignment)
        {
            // librdkafka wants the partition count spelled out next to an assignment, and no replication factor.
            spec.NumPartitions = assignment.Count;
            spec.ReplicationFactor = -1;
            spec.ReplicasAssignments = assignment.Select((replicas, i) => (i, replicas)).ToDictionary(p => p.i, p => p.replicas);
        }

        spec.Configs = ParseConfigs(options.Values("config"));
        try
        {
            await admin.CreateTopicsAsync([spec], new CreateTopicsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout });
            System.Console.Out.WriteLine($"Created topic {name}.");
        }
        catch (CreateTopicsException e) when (options.Has("if-not-exists") && e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
        }
    }

    private static void List(IAdminClient admin, ParsedOptions options)
    {
        var topics = GetTopics(admin, options);
        // Kafka prints the joined names with println, so an empty list still prints one empty line.
        System.Console.Out.WriteLine(string.Join("\n", topics));
    }

    private async Task AlterAsync(IAdminClient admin, ParsedOptions options)
    {
        var topics = GetTopics(admin, options);
        EnsureTopicExists(topics, options);
        if (topics.Count == 0) return;
        int count = options.IntValue("partitions", _parser)!.Value;
        var assignment = ParseAssignment(options.Value("replica-assignment"));
        var specs = new List<PartitionsSpecification>();
        foreach (string topic in topics)
        {
            var spec = new PartitionsSpecification { Topic = topic, IncreaseTo = count };
            if (assignment is not null)
            {
                var metadata = admin.GetMetadata(topic, Timeout);
                int existing = metadata.Topics[0].Partitions.Count;
                spec.ReplicaAssignments = assignment.Skip(existing).ToList();
            }

            specs.Add(spec);
        }

        await admin.CreatePartitionsAsync(specs, new CreatePartitionsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout });
    }

    private static async Task DeleteAsync(IAdminClient admin, ParsedOptions options)
    {
        var topics = GetTopics(admin, options);
        EnsureTopicExists(topics, options);
        if (topics.Count == 0) return;
        await admin.DeleteTopicsAsync(topics, new DeleteTopicsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout });
    }

    /// <summary>Kafka's parseTopicConfigsToBeAdded: every entry must be exactly one <c>key=value</c>.</summary>
    private static Dictionary<string, string> ParseConfigs(IReadOnlyList<string> entries)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            var parts = System.Text.RegularExpressions.Regex.Split(entry, @"\s*=\s*");
            if (parts.Length != 2)
                throw new ArgumentException("Invalid topic config: all configs to be added must be in the format \"key=val\".");
            result[parts[0].Trim()] = parts[1].Trim();
        }

        return result;
    }

    /// <summary>Kafka's parseReplicaAssignment: <c>1:2,2:3</c>, one broker list per partition, same length each.</summary>
    private static List<List<int>>? ParseAssignment(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var result = new List<List<int>>();
        foreach (string partition in text.Split(','))
        {
            var brokers = partition.Split(':').Select(s => int.TryParse(s.Trim(), out int id)
                ? id : throw new ArgumentException($"For input string: \"{s.Trim()}\"")).ToList();
            var duplicates = brokers.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
                throw new ArgumentException($"Partition replica lists may not contain duplicate entries: {string.Join(",", duplicates)}");
            result.Add(brokers);
            if (brokers.Count != result[0].Count)
                throw new ArgumentException($"Partition {result.Count - 1} has different replication factor: [{string.Join(", ", brokers)}]");
        }

        return result;
    }
}
