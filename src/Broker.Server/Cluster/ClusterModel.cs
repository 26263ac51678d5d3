using Broker.Protocol;

namespace Broker.Server.Cluster;

/// <summary>A broker as clients see it in Metadata: id and advertised PLAINTEXT address.</summary>
public sealed record BrokerNode(int Id, string Host, int Port, string? Rack = null);

/// <summary>
/// One partition's placement. <see cref="Leader"/> is -1 when offline. Immutable: a change publishes a new instance.
/// </summary>
public sealed record PartitionInfo(int Partition, int Leader, int LeaderEpoch, int[] Replicas, int[] Isr)
{
    public int[] OfflineReplicas { get; init; } = [];

    /// <summary>Version of the partition's state znode (compare-and-set for ISR changes); -1 when unknown.</summary>
    public int StateVersion { get; init; } = -1;

    /// <summary>Controller epoch recorded in the state znode.</summary>
    public int ControllerEpoch { get; init; } = -1;
}

/// <summary>A topic's identity and placement. Immutable.</summary>
public sealed record TopicInfo(string Name, KafkaUuid TopicId, IReadOnlyList<PartitionInfo> Partitions, bool IsInternal)
{
    public int ReplicationFactor => Partitions.Count == 0 ? 0 : Partitions[0].Replicas.Length;
}
