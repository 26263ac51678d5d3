using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state</c> (persistent), Kafka's version 1:
/// <c>{"controller_epoch":N,"leader":L,"version":1,"leader_epoch":E,"isr":[..]}</c>. leader -1 = offline.
/// The znode's version is the partition epoch used for compare-and-set.
/// </summary>
public sealed record PartitionStateZNode(int Leader, int LeaderEpoch, int[] Isr, int ControllerEpoch)
{
    public static string PartitionsPath(string topic) => $"{TopicZNode.PathOf(topic)}/partitions";

    public static string PartitionPath(string topic, int partition) => $"{PartitionsPath(topic)}/{partition}";

    public static string PathOf(string topic, int partition) => $"{PartitionPath(topic, partition)}/state";

    public byte[] Encode() => ZkJson.Encode(new JsonObject
    {
        ["controller_epoch"] = ControllerEpoch,
        ["leader"] = Leader,
        ["version"] = 1,
        ["leader_epoch"] = LeaderEpoch,
        ["isr"] = ZkJson.ToArray(Isr),
    });

    public static PartitionStateZNode Decode(ReadOnlySpan<byte> data, string path)
    {
        var json = ZkJson.Decode(data, path);
        return new PartitionStateZNode(
            json["leader"]!.GetValue<int>(), json["leader_epoch"]!.GetValue<int>(), ZkJson.IntArray(json["isr"]),
            json["controller_epoch"]!.GetValue<int>());
    }
}
