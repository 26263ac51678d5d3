using Broker.Protocol;
using Broker.Storage;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

/// <summary>
/// A partition replica hosted by this broker: its log, its role (leader or follower, with the leader epoch from
/// ZooKeeper), and as leader the replication state: the in-sync replicas, what each follower has fetched, and the
/// high watermark (the offset below which every in-sync replica has the data; consumers read only below it).
/// Thread-safety: role, ISR and follower state change under one lock (<see cref="_stateLock"/>), which leader appends
/// also take so no append slips in after the broker learned it was deposed; reads of the high watermark, role and
/// ISR are lock-free (volatile fields, immutable arrays).
/// </summary>
public sealed partial class Partition
{
    private readonly object _stateLock = new();
    private readonly int _localBrokerId;
    private readonly IIsrWriter _isrWriter;
    private volatile bool _isLeader;
    private volatile int _leaderEpoch;
    private volatile int _leaderId = -1;
    private volatile int[] _replicas;
    private volatile int[] _isr;
    private readonly TimeProvider _time;
    private long _highWatermark;

    /// <summary>
    /// A replica over <paramref name="log"/>. <paramref name="isrWriter"/> records ISR changes (none in single-broker
    /// mode); <paramref name="time"/> is the clock of follower lag (replica.lag.time.max.ms); <paramref name="highWatermark"/>
    /// is the checkpointed one a follower resumes with.
    /// </summary>
    public Partition(TopicPartition id, KafkaUuid topicId, PartitionLog log, int localBrokerId, bool leader, IIsrWriter? isrWriter = null,
        long highWatermark = 0, TimeProvider? time = null)
    {
        Id = id;
        TopicId = topicId;
        Log = log;
        _localBrokerId = localBrokerId;
        _isrWriter = isrWriter ?? IIsrWriter.None;
        _replicas = [localBrokerId];
        _isr = leader ? [localBrokerId] : [];
        _isLeader = leader;
        _leaderId = leader ? localBrokerId : -1;
        _leaderSinceEpoch = leader ? 0 : -1;
        _leaderEpoch = leader ? 0 : -1; // as Kafka: a replica without a role yet is at epoch -1, so epoch 0 is newer
        _time = time ?? TimeProvider.System;
        SetHighWatermarkLocked(leader ? log.LogEndOffset : Math.Min(Math.Max(0, highWatermark), log.LogEndOffset));
    }

    public TopicPartition Id { get; }

    public KafkaUuid TopicId { get; }

    public PartitionLog Log { get; }

    /// <summary>Notified after every append (leader or follower), so waiting follower fetches re-check.</summary>
    public ChangeSignal DataAppended { get; } = new();

    /// <summary>
    /// Notified when the high watermark advances and when the role changes, so consumer fetches and acks=all
    /// produce requests waiting on replication re-check.
    /// </summary>
    public ChangeSignal HighWatermarkChanged { get; } = new();

    /// <summary>Whether this broker leads the partition (always in single-broker mode; set from ZooKeeper otherwise).</summary>
    public bool IsLeader => _isLeader;

    /// <summary>Leader epoch of the partition as the controller last set it; stamped into appended batches.</summary>
    public int LeaderEpoch => _leaderEpoch;

    /// <summary>Broker id of the current leader, -1 when unknown or offline.</summary>
    public int LeaderId => _leaderId;

    /// <summary>
    /// Version of the partition state this replica applied (the state znode's zkVersion, LeaderAndIsr's partition
    /// epoch); -1 before any. Within one leader epoch a newer version carries a changed ISR.
    /// </summary>
    public int StateVersion
    {
        get
        {
            lock (_stateLock) return _stateVersion;
        }
    }

    /// <summary>Assigned replicas (broker ids), preferred first. Immutable array.</summary>
    public int[] Replicas => _replicas;

    /// <summary>In-sync replicas as last written to ZooKeeper (leader included). Immutable array.</summary>
    public int[] Isr => _isr;

    /// <summary>min.insync.replicas in force for this partition (topic override or broker default).</summary>
    public int MinInsyncReplicas { get; set; } = 1;

    /// <summary>Offsets below this are replicated to every in-sync replica and visible to consumers.</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Sets the high watermark and hands it to the log, whose retention never deletes a segment above it (Kafka
    /// deletes only what every in-sync replica has). Caller holds the state lock (or is the constructor).
    /// </summary>
    private void SetHighWatermarkLocked(long value)
    {
        Volatile.Write(ref _highWatermark, value);
        Log.HighWatermark = value;
    }

    /// <summary>Status and offsets for logs and tools.</summary>
    public override string ToString() =>
        $"{Id} {(IsLeader ? "leader" : "follower")} epoch {LeaderEpoch} isr [{string.Join(',', Isr)}] hw {HighWatermark} leo {Log.LogEndOffset}";
}
