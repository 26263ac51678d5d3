using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/admin/reassign_partitions</c> (persistent): reassignments requested through ZooKeeper, as Kafka's pre-2.4
/// tools wrote them: <c>{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2,3]}]}</c>. The
/// controller starts each listed partition's reassignment, removes a partition from the node when it completes and
/// deletes the node when it is empty.
/// </summary>
public sealed record ReassignPartitionsZNode(IReadOnlyDictionary<(string Topic, int Partition), int[]> Partitions)
{
    public const string Path = "/admin/reassign_partitions";

    public byte[] Encode() => ZkJson.Encode(new JsonObject
    {
        ["version"] = 1,
        ["partitions"] = new JsonArray(Partitions.OrderBy(kv => kv.Key.Topic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partition)
            .Select(kv => (JsonNode)new JsonObject
            {
                ["topic"] = kv.Key.Topic,
                ["partition"] = kv.Key.Partition,
                ["replicas"] = ZkJson.ToArray(kv.Value),
            }).ToArray()),
    });

    /// <summary>Reads the node; a partition listed twice keeps its last entry (Kafka's map).</summary>
    public static ReassignPartitionsZNode Decode(ReadOnlySpan<byte> data)
    {
        var map = new Dictionary<(string, int), int[]>();
        foreach (var entry in ZkJson.Decode(data, Path)["partitions"] as JsonArray ?? [])
        {
            if (entry is null) continue;
            map[(entry["topic"]!.GetValue<string>(), entry["partition"]!.GetValue<int>())] = ZkJson.IntArray(entry["replicas"]);
        }

        return new ReassignPartitionsZNode(map);
    }
}
