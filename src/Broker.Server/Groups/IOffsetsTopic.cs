using Broker.Protocol;
using Broker.Server.Cluster;

namespace Broker.Server.Groups;

/// <summary>
/// Everything the group coordinator needs from the rest of the broker: the <c>__consumer_offsets</c> topic (creation,
/// leadership, appends, reads) and whether a data partition exists. The single-broker implementation is
/// <see cref="LocalOffsetsTopic"/>; the ZooKeeper cluster layer re-implements it. Implementations are thread-safe.
/// </summary>
public interface IOffsetsTopic
{
    /// <summary>Partitions of the topic: the existing topic's count, else offsets.topic.num.partitions.</summary>
    int PartitionCount { get; }

    /// <summary>True once the topic exists (in the local view of the cluster).</summary>
    bool Exists { get; }

    /// <summary>
    /// Creates the topic if missing (cleanup.policy=compact, segment.bytes=offsets.topic.segment.bytes) and returns
    /// None, or the error to answer FindCoordinator with (COORDINATOR_NOT_AVAILABLE while it cannot be created).
    /// Returns <c>createdNow</c> = true when this call created it, so the caller can load the local partitions.
    /// </summary>
    Task<(ErrorCode Error, bool CreatedNow)> EnsureCreatedAsync();

    /// <summary>The broker leading the partition, or null when it has no live leader.</summary>
    BrokerNode? LeaderOf(int partition);

    /// <summary>True when this broker leads the partition (the partitions the coordinator may load).</summary>
    bool IsLocalLeader(int partition);

    /// <summary>
    /// Appends one magic-2 batch to the partition as its leader. The write is ordered at call time: two calls made
    /// one after the other (e.g. under a group lock) land in that order, even if the returned tasks complete later
    /// (the task completes when the write is durable enough to acknowledge: replicated, in a cluster).
    /// Returns None or the error for the client (NOT_COORDINATOR when leadership was lost, etc.).
    /// </summary>
    ValueTask<ErrorCode> AppendAsync(int partition, byte[] batch);

    /// <summary>Reads the local replica of the partition from its log start, one chunk of whole batches at a time.</summary>
    IEnumerable<ReadOnlyMemory<byte>> ReadAll(int partition);

    /// <summary>Raised when this broker gains (true) or loses (false) the leadership of an offsets partition.</summary>
    event Action<int, bool>? LeadershipChanged;

    /// <summary>True when the data partition exists (offset commits for unknown partitions are refused).</summary>
    bool PartitionExists(string topic, int partition);
}
