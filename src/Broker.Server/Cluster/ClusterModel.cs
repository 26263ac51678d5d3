using Broker.Protocol;

namespace Broker.Server.Cluster;

/// <summary>
/// A live broker: id, the advertised address of its inter-broker listener (<see cref="Host"/>, <see cref="Port"/>:
/// what other brokers connect to) and every advertised endpoint by listener name (<see cref="Endpoints"/>: clients are
/// answered with the endpoint of the listener their request arrived on, as Kafka does). Immutable.
/// </summary>
public sealed record BrokerNode(int Id, string Host, int Port, string? Rack = null)
{
    /// <summary>All advertised endpoints; empty when only the inter-broker address is known (UpdateMetadata v0).</summary>
    public IReadOnlyList<Broker.Coordination.ZNodes.BrokerEndpoint> Endpoints { get; init; } = [];

    /// <summary>
    /// This broker as seen from listener <paramref name="listener"/>: its endpoint on that listener, or null when it
    /// has none (Kafka leaves such brokers out of Metadata). With no endpoint list, the inter-broker address.
    /// </summary>
    public BrokerNode? On(string listener)
    {
        if (Endpoints.Count == 0) return this;
        foreach (var e in Endpoints)
            if (e.ListenerName == listener)
                return e.Host == Host && e.Port == Port ? this : this with { Host = e.Host, Port = e.Port };
        return null;
    }
}

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
