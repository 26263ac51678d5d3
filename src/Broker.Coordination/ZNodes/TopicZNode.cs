using System.Globalization;
using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/brokers/topics/&lt;t&gt;</c> (persistent): the replica assignment and topic id, Kafka's version 3:
/// <c>{"version":3,"partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{},"topic_id":"base64url"}</c>.
/// During a reassignment (KIP-455) a partition's replicas are the full set RS = target + origin, with
/// <c>adding_replicas</c> (target − origin) and <c>removing_replicas</c> (origin − target) naming the difference;
/// both are empty for a partition that is not being reassigned.
/// </summary>
public sealed record TopicZNode(string Topic, string? TopicId, IReadOnlyDictionary<int, int[]> Partitions)
{
    public const string Root = "/brokers/topics";

    private static readonly IReadOnlyDictionary<int, int[]> None = new Dictionary<int, int[]>();

    /// <summary>Replicas being added per partition (only partitions with some).</summary>
    public IReadOnlyDictionary<int, int[]> AddingReplicas { get; init; } = None;

    /// <summary>Replicas being removed per partition (only partitions with some).</summary>
    public IReadOnlyDictionary<int, int[]> RemovingReplicas { get; init; } = None;

    public static string PathOf(string topic) => $"{Root}/{topic}";

    /// <summary>True when <paramref name="partition"/> has replicas being added or removed.</summary>
    public bool IsBeingReassigned(int partition) => AddingReplicas.ContainsKey(partition) || RemovingReplicas.ContainsKey(partition);

    /// <summary>The replicas the partition had before its reassignment began (all replicas when none is running).</summary>
    public int[] OriginReplicas(int partition) =>
        Partitions.TryGetValue(partition, out var all) ? all.Except(AddingReplicas.GetValueOrDefault(partition) ?? []).ToArray() : [];

    /// <summary>The replicas the partition will have when its reassignment completes (all replicas when none is running).</summary>
    public int[] TargetReplicas(int partition) =>
        Partitions.TryGetValue(partition, out var all) ? all.Except(RemovingReplicas.GetValueOrDefault(partition) ?? []).ToArray() : [];

    public byte[] Encode()
    {
        var json = new JsonObject
        {
            ["partitions"] = Map(Partitions),
            ["topic_id"] = TopicId,
            ["adding_replicas"] = Map(AddingReplicas),
            ["removing_replicas"] = Map(RemovingReplicas),
            ["version"] = 3,
        };
        return ZkJson.Encode(json);
    }

    private static JsonObject Map(IReadOnlyDictionary<int, int[]> map)
    {
        var result = new JsonObject();
        foreach (var (p, replicas) in map.OrderBy(kv => kv.Key))
            result[p.ToString(CultureInfo.InvariantCulture)] = ZkJson.ToArray(replicas);
        return result;
    }

    private static Dictionary<int, int[]> ReadMap(JsonNode? node, bool skipEmpty)
    {
        var map = new Dictionary<int, int[]>();
        foreach (var (key, value) in node as JsonObject ?? [])
        {
            var replicas = ZkJson.IntArray(value);
            if (skipEmpty && replicas.Length == 0) continue;
            map[int.Parse(key, CultureInfo.InvariantCulture)] = replicas;
        }

        return map;
    }

    public static TopicZNode Decode(string topic, ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, PathOf(topic));
        return new TopicZNode(topic, json["topic_id"]?.GetValue<string>(), ReadMap(json["partitions"], skipEmpty: false))
        {
            AddingReplicas = ReadMap(json["adding_replicas"], skipEmpty: true),
            RemovingReplicas = ReadMap(json["removing_replicas"], skipEmpty: true),
        };
    }
}
