using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary><c>/admin/delete_topics/&lt;t&gt;</c> (persistent, empty): a deletion request the controller carries out.</summary>
public static class DeleteTopicZNode
{
    public const string Root = "/admin/delete_topics";

    public static string PathOf(string topic) => $"{Root}/{topic}";
}

/// <summary>
/// <c>/cluster/id</c> (persistent): <c>{"version":"1","id":"base64url"}</c> — note the version is a string, as Kafka
/// writes it. Created by the first broker; later brokers read it.
/// </summary>
public sealed record ClusterIdZNode(string Id)
{
    public const string Path = "/cluster/id";

    public byte[] Encode() => ZkJson.Encode(new JsonObject { ["version"] = "1", ["id"] = Id });

    public static ClusterIdZNode Decode(ReadOnlySpan<byte> data) => new(ZkJson.Decode(data, Path)["id"]!.GetValue<string>());
}

/// <summary>
/// <c>/isr_change_notification/isr_change_&lt;seq&gt;</c> (PERSISTENT_SEQUENTIAL):
/// <c>{"version":1,"partitions":[{"topic":"t","partition":0}]}</c>, written when a leader changes an ISR.
/// </summary>
public sealed record IsrChangeNotificationZNode(IReadOnlyList<(string Topic, int Partition)> Partitions)
{
    public const string Root = "/isr_change_notification";

    public const string Prefix = Root + "/isr_change_";

    public byte[] Encode() => ZkJson.Encode(new JsonObject
    {
        ["version"] = 1,
        ["partitions"] = new JsonArray(Partitions.Select(p => (JsonNode)new JsonObject { ["topic"] = p.Topic, ["partition"] = p.Partition }).ToArray()),
    });

    public static IsrChangeNotificationZNode Decode(ReadOnlySpan<byte> data) =>
        new((ZkJson.Decode(data, Root)["partitions"] as JsonArray ?? [])
            .Select(n => (n!["topic"]!.GetValue<string>(), n["partition"]!.GetValue<int>())).ToList());
}

/// <summary>
/// <c>/latest_producer_id_block</c> (persistent): <c>{"version":1,"broker":B,"block_start":"n","block_end":"m"}</c>,
/// compare-and-set by zkVersion so producer ids are unique cluster-wide.
/// </summary>
public sealed record ProducerIdBlockZNode(int Broker, long BlockStart, long BlockEnd)
{
    public const string Path = "/latest_producer_id_block";

    public byte[] Encode() => ZkJson.Encode(new JsonObject
    {
        ["version"] = 1,
        ["broker"] = Broker,
        ["block_start"] = BlockStart.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["block_end"] = BlockEnd.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public static ProducerIdBlockZNode Decode(ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, Path);
        return new ProducerIdBlockZNode(json["broker"]!.GetValue<int>(),
            long.Parse(json["block_start"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(json["block_end"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The persistent paths a broker ensures at start-up, as Kafka's ZkData.PersistentZkPaths.</summary>
public static class PersistentPaths
{
    public const string BrokerSequenceId = "/brokers/seqid";

    public static readonly string[] All =
    [
        "/consumers", BrokerIdZNode.Root, TopicZNode.Root, ConfigChangeZNode.Root, DeleteTopicZNode.Root,
        BrokerSequenceId, IsrChangeNotificationZNode.Root, ProducerIdBlockZNode.Path, LogDirEventNotificationZNode.Root,
        TopicConfigZNode.Root, "/config/clients", "/config/users", "/config/brokers", "/config/ips",
    ];
}
