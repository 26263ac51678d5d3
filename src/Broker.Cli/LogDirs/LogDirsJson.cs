using System.Text.Encodings.Web;
using System.Text.Json;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Cli.LogDirs;

/// <summary>
/// kafka-log-dirs.sh's JSON: <c>{"brokers":[{"broker":1,"logDirs":[{"partitions":[{"partition":"t-0","size":0,
/// "offsetLag":0,"isFuture":false}],"error":null,"logDir":"/path"}]}],"version":1}</c>. Keys and list entries come
/// in Java HashMap order (Kafka builds HashMaps and Jackson serializes them); "error" is the Java exception class Kafka
/// maps the dir's error code to, or null. Pure function.
/// </summary>
internal static class LogDirsJson
{
    private static readonly Dictionary<ErrorCode, string> ExceptionNames = new()
    {
        [ErrorCode.KafkaStorageError] = "org.apache.kafka.common.errors.KafkaStorageException",
        [ErrorCode.UnknownServerError] = "org.apache.kafka.common.errors.UnknownServerException",
        [ErrorCode.ClusterAuthorizationFailed] = "org.apache.kafka.common.errors.ClusterAuthorizationException",
    };

    public static string Format(IReadOnlyList<(int Broker, DescribeLogDirsResponse Response)> brokers, IReadOnlySet<string> topics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("brokers");
            foreach (var (broker, response) in JavaHashOrder.Order(brokers, b => b.Broker))
            {
                json.WriteStartObject();
                json.WriteNumber("broker", broker);
                json.WriteStartArray("logDirs");
                foreach (var dir in JavaHashOrder.Order(response.Results, d => JavaHashOrder.StringHash(d.LogDir))) WriteDir(json, dir, topics);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("version", 1);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteDir(Utf8JsonWriter json, DescribeLogDirsResponse.DescribeLogDirsResult dir, IReadOnlySet<string> topics)
    {
        var partitions = dir.Topics.Where(t => topics.Count == 0 || topics.Contains(t.Name))
            .SelectMany(t => t.Partitions.Select(p => (Topic: t.Name, Partition: p))).ToList();
        json.WriteStartObject();
        json.WriteStartArray("partitions");
        foreach (var (topic, p) in JavaHashOrder.Order(partitions, x => JavaHashOrder.TopicPartitionHash(x.Topic, x.Partition.PartitionIndex)))
        {
            json.WriteStartObject();
            json.WriteString("partition", $"{topic}-{p.PartitionIndex}");
            json.WriteNumber("size", p.PartitionSize);
            json.WriteNumber("offsetLag", p.OffsetLag);
            json.WriteBoolean("isFuture", p.IsFutureKey);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (dir.ErrorCode == 0) json.WriteNull("error");
        else json.WriteString("error", ExceptionNames.GetValueOrDefault((ErrorCode)dir.ErrorCode, "org.apache.kafka.common.errors.ApiException"));
        json.WriteString("logDir", dir.LogDir);
        json.WriteEndObject();
    }
}
