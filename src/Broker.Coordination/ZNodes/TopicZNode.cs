using System.Globalization;
using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/brokers/topics/&lt;t&gt;</c> (persistent): the replica assignment and topic id, Kafka's version 3:
/// <c>{"version":3,"partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{},"topic_id":"base64url"}</c>.
/// </summary>
public sealed record TopicZNode(string Topic, string? TopicId, IReadOnlyDictionary<int, int[]> Partitions)
{
    public const string Root = "/brokers/topics";

    public static string PathOf(string topic) => $"{Root}/{topic}";

    public byte[] Encode()
    {
        var partitions = new JsonObject();
        foreach (var (p, replicas) in Partitions.OrderBy(kv => kv.Key))
            partitions[p.ToString(CultureInfo.InvariantCulture)] = ZkJson.ToArray(replicas);
        var json = new JsonObject
        {
            ["partitions"] = partitions,
            ["topic_id"] = TopicId,
            ["adding_replicas"] = new JsonObject(),
            ["removing_replicas"] = new JsonObject(),
            ["version"] = 3,
        };
        return ZkJson.Encode(json);
    }

    public static TopicZNode Decode(string topic, ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, PathOf(topic));
        var partitions = new Dictionary<int, int[]>();
        foreach (var (key, value) in json["partitions"] as JsonObject ?? [])
            partitions[int.Parse(key, CultureInfo.InvariantCulture)] = ZkJson.IntArray(value);
        return new TopicZNode(topic, json["topic_id"]?.GetValue<string>(), partitions);
    }
}
