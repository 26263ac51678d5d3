using System.Text.Json;
using Broker.Cli.CommandLine;
using Confluent.Kafka;

namespace Broker.Cli.DeleteRecords;

/// <summary>
/// The --offset-json-file of kafka-delete-records.sh: <c>{"partitions": [{"topic": "foo", "partition": 1, "offset": 1}],
/// "version": 1}</c> (version optional, only 1 supported; offset -1 means the high watermark). Kafka's messages for
/// what its parser names (not valid JSON, missing partitions, unsupported version, duplicates); a one-line reason
/// naming the entry for the rest, where Kafka prints a Jackson stack trace. Stateless.
/// </summary>
internal static class OffsetJsonFile
{
    /// <summary>Reads and checks the file; every problem is a <see cref="UsageException"/> with a one-line reason.</summary>
    public static List<TopicPartitionOffset> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Error: cannot read the offset JSON file {path}: {e.Message}");
        }

        return Parse(text);
    }

    public static List<TopicPartitionOffset> Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Fail($"The input string is not a valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Fail("The input string is not a valid JSON object");
            if (root.TryGetProperty("version", out var version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out int v) && v == 1))
                throw Fail($"Not supported version field value {version.GetRawText()}");
            if (!root.TryGetProperty("partitions", out var partitions)) throw Fail("Missing partitions field");
            if (partitions.ValueKind != JsonValueKind.Array) throw Fail("The partitions field is not an array");

            var result = new List<TopicPartitionOffset>();
            int index = 0;
            foreach (var entry in partitions.EnumerateArray())
            {
                index++;
                if (entry.ValueKind != JsonValueKind.Object) throw Fail($"partitions entry {index} is not an object");
                string topic = entry.TryGetProperty("topic", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } name
                    ? name : throw Fail($"partitions entry {index} needs a \"topic\" string");
                int partition = entry.TryGetProperty("partition", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out int pi) && pi >= 0
                    ? pi : throw Fail($"partitions entry {index} needs a \"partition\" number (0 or more)");
                long offset = entry.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long oi)
                    ? oi : throw Fail($"partitions entry {index} needs an \"offset\" number (-1 for the high watermark)");
                result.Add(new TopicPartitionOffset(topic, partition, offset));
            }

            var duplicates = result.GroupBy(r => r.TopicPartition).Where(g => g.Count() > 1).Select(g => $"{g.Key.Topic}-{g.Key.Partition.Value}").ToList();
            if (duplicates.Count > 0) throw Fail("Offset json file contains duplicate topic partitions: " + string.Join(",", duplicates));
            return result;
        }
    }

    private static UsageException Fail(string reason) => new("Error: " + reason);
}
