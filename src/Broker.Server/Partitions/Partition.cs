using Broker.Protocol;
using Broker.Storage;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

/// <summary>
/// A partition hosted by this broker: its log plus what the request handlers need around it (topic id, the signal
/// long-polling fetches wait on). Thread-safe: the log serialises appends; readers run concurrently.
/// </summary>
public sealed class Partition
{
    public Partition(TopicPartition id, KafkaUuid topicId, PartitionLog log)
    {
        Id = id;
        TopicId = topicId;
        Log = log;
    }

    public TopicPartition Id { get; }

    public KafkaUuid TopicId { get; }

    public PartitionLog Log { get; }

    /// <summary>Notified after every successful append, so waiting fetches re-check.</summary>
    public ChangeSignal DataAppended { get; } = new();

    private volatile bool _isLeader = true;
    private volatile int _leaderEpoch;

    /// <summary>Whether this broker leads the partition (always in single-broker mode; set from ZooKeeper otherwise).</summary>
    public bool IsLeader
    {
        get => _isLeader;
        set => _isLeader = value;
    }

    /// <summary>Leader epoch of the partition as the controller last set it; stamped into appended batches.</summary>
    public int LeaderEpoch
    {
        get => _leaderEpoch;
        set => _leaderEpoch = value;
    }

    /// <summary>Offsets below this are visible to consumers. Equal to the log end while there is one replica.</summary>
    public long HighWatermark => Log.LogEndOffset;
}
