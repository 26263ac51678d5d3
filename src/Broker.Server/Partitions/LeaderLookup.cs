using Broker.Protocol;
using Broker.Server.Cluster;

namespace Broker.Server.Partitions;

/// <summary>
/// Finds the partition a produce, fetch or offset request must be served by: it has to be hosted here and led by
/// this broker. Otherwise NOT_LEADER_OR_FOLLOWER when the partition exists in the cluster (the client refreshes its
/// metadata and goes to the leader), UNKNOWN_TOPIC_OR_PARTITION when it does not, KAFKA_STORAGE_ERROR when the local
/// replica is in an offline log dir.
/// </summary>
public static class LeaderLookup
{
    public static ErrorCode Find(ReplicaManager replicas, IClusterMetadata cluster, string topic, int partition, out Partition found)
    {
        if (replicas.IsInOfflineDir(topic, partition))
        {
            found = null!;
            return ErrorCode.KafkaStorageError; // Kafka's HostedPartition.Offline: the client retries, then finds the new leader
        }

        if (replicas.TryGet(topic, partition, out found) && found.IsLeader) return ErrorCode.None;
        found = null!;
        return cluster.TryGetTopic(topic, out var info) && partition >= 0 && partition < info.Partitions.Count
            ? ErrorCode.NotLeaderOrFollower
            : ErrorCode.UnknownTopicOrPartition;
    }

    /// <summary>
    /// As <see cref="Find"/>, but a follower replica hosted here serves too: a consumer's Fetch v11+ may read from any
    /// replica (KIP-392; Kafka reads from the leader only for followers and for consumers without client metadata).
    /// </summary>
    public static ErrorCode FindReplica(ReplicaManager replicas, IClusterMetadata cluster, string topic, int partition, out Partition found)
    {
        if (!replicas.IsInOfflineDir(topic, partition) && replicas.TryGet(topic, partition, out found)) return ErrorCode.None;
        return Find(replicas, cluster, topic, partition, out found);
    }

    /// <summary>
    /// Checks the leader epoch a client or follower believes in (KIP-320): -1 skips the check; an older epoch is
    /// FENCED_LEADER_EPOCH (the caller's metadata is stale), a newer one UNKNOWN_LEADER_EPOCH (ours is).
    /// </summary>
    public static ErrorCode CheckEpoch(Partition partition, int currentLeaderEpoch)
    {
        if (currentLeaderEpoch < 0) return ErrorCode.None;
        int epoch = partition.LeaderEpoch;
        if (currentLeaderEpoch < epoch) return ErrorCode.FencedLeaderEpoch;
        return currentLeaderEpoch > epoch ? ErrorCode.UnknownLeaderEpoch : ErrorCode.None;
    }
}
