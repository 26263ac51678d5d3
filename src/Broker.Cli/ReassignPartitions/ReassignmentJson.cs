using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Broker.Cli.ReassignPartitions;

/// <summary>A partition as Kafka's TopicPartition prints it: <c>topic-partition</c>; ordered by topic, then partition.</summary>
internal readonly record struct TopicPartitionKey(string Topic, int Partition) : IComparable<TopicPartitionKey>
{
    public int CompareTo(TopicPartitionKey other)
    {
        int byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    public override string ToString() => $"{Topic}-{Partition}";
}

/// <summary>
/// Kafka's reassignment JSON: <c>{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}</c>
/// (written sorted by topic and partition, keys in that order, log dirs always "any"), and the topics file of
/// <c>--generate</c>: <c>{"topics":[{"topic":"t"}],"version":1}</c>. Errors are Kafka's messages.
/// </summary>
internal static class ReassignmentJson
{
    public const string AnyLogDir = "any";

    public static string Format(IReadOnlyDictionary<TopicPartitionKey, int[]> assignment)
    {
        var partitions = new StringBuilder();
        foreach (var (key, replicas) in assignment.OrderBy(kv => kv.Key))
        {
            if (partitions.Length > 0) partitions.Append(',');
            partitions.Append("{\"topic\":").Append(JsonSerializer.Serialize(key.Topic))
                .Append(",\"partition\":").Append(key.Partition)
                .Append(",\"replicas\":[").AppendJoin(',', replicas).Append(']')
                .Append(",\"log_dirs\":[").AppendJoin(',', replicas.Select(_ => "\"" + AnyLogDir + "\"")).Append("]}");
        }

        return "{\"version\":1,\"partitions\":[" + partitions + "]}";
    }

    /// <summary>The partitions of a reassignment file in file order (duplicates kept, for the caller to refuse).</summary>
    /// <exception cref="FormatException">Not JSON, an unsupported version, or replicas and log_dirs of different sizes.</exception>
    public static List<(TopicPartitionKey Partition, int[] Replicas, string[] LogDirs)> ParseReassignment(string json)
    {
        var root = Parse(json);
        int version = root["version"]?.GetValue<int>() ?? 1;
        if (version != 1) throw new FormatException($"Not supported version field value {version}");
        var result = new List<(TopicPartitionKey, int[], string[])>();
        foreach (var p in root["partitions"] as JsonArray ?? [])
        {
            if (p is not JsonObject entry) continue;
            var key = new TopicPartitionKey(entry["topic"]?.GetValue<string>() ?? throw new FormatException("Missing field 'topic'"),
                entry["partition"]?.GetValue<int>() ?? throw new FormatException("Missing field 'partition'"));
            int[] replicas = (entry["replicas"] as JsonArray ?? throw new FormatException("Missing field 'replicas'")).Select(r => r!.GetValue<int>()).ToArray();
            string[] dirs = entry["log_dirs"] is JsonArray d ? d.Select(x => x!.GetValue<string>()).ToArray() : replicas.Select(_ => AnyLogDir).ToArray();
            if (dirs.Length != replicas.Length)
                throw new FormatException($"Size of replicas list [{string.Join(", ", replicas)}] is different from size of log dirs list [{string.Join(", ", dirs)}] for partition {key}");
            result.Add((key, replicas, dirs));
        }

        return result;
    }

    /// <summary>The topics of a <c>--topics-to-move-json-file</c>.</summary>
    public static List<string> ParseTopics(string json)
    {
        var root = Parse(json);
        int version = root["version"]?.GetValue<int>() ?? 1;
        if (version != 1) throw new FormatException($"Not supported version field value {version}");
        return (root["topics"] as JsonArray ?? []).Select(t => t!["topic"]!.GetValue<string>()).ToList();
    }

    private static JsonObject Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new FormatException("The input string is not a valid JSON");
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException(e.Message, e);
        }
    }
}
