using Broker.Protocol;

namespace Broker.Server.Cluster;

/// <summary>
/// The content of one UpdateMetadata request, independent of its wire version: the controller, the complete list of
/// live brokers, and the partition states that changed. A state whose leader is <see cref="LeaderDuringDelete"/>
/// removes the partition (its topic is being deleted).
/// </summary>
public sealed record MetadataUpdate(int ControllerId, IReadOnlyList<BrokerNode> LiveBrokers, IReadOnlyList<MetadataUpdate.PartitionState> Partitions)
{
    /// <summary>Kafka's LeaderAndIsr.LeaderDuringDelete: the leader the controller sends for a partition being deleted.</summary>
    public const int LeaderDuringDelete = -2;

    /// <summary>One partition's state; <paramref name="TopicId"/> is zero when the request version has none.</summary>
    public sealed record PartitionState(string Topic, KafkaUuid TopicId, PartitionInfo Info);
}
