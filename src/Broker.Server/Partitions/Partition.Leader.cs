using Broker.Protocol;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    /// <summary>
    /// The ISR being written to ZooKeeper, or null when no write is in flight (Kafka's PendingExpandIsr /
    /// PendingShrinkIsr). While an expansion is pending the high watermark is computed over the committed ISR plus
    /// the replica being added (Kafka's maximal ISR): ZooKeeper may already list it, and whoever ZooKeeper lists as in
    /// sync must hold everything below the high watermark. Guarded by <see cref="_stateLock"/>.
    /// </summary>
    private int[]? _pendingIsr;

    /// <summary>
    /// The leader epoch at which this broker last became leader (from follower or nobody); -1 when not leading.
    /// Epochs from here to <see cref="LeaderEpoch"/> are one unbroken leadership: the log was never truncated in
    /// between, so a batch appended under any of them is still where it was appended.
    /// </summary>
    private int _leaderSinceEpoch = -1;

    /// <summary>Whether an ISR write to ZooKeeper is in flight (for tests and tools).</summary>
    public bool IsrChangePending => Volatile.Read(ref _pendingIsr) is not null;

    /// <summary>
    /// Appends producer batches as leader (see <see cref="PartitionLog.Append"/>), stamped with the current leader
    /// epoch. Returns null when this broker is not the leader (checked under the state lock, so nothing is appended
    /// once the broker learned it was deposed).
    /// </summary>
    public LogAppendResult? AppendAsLeader(Span<byte> batches) =>
        AppendAsLeader(batches, requireMinIsr: false) is { Error: ErrorCode.None } r ? r.Log : null;

    /// <summary>
    /// Appends producer batches as leader, deciding under the state lock everything the answer depends on: whether
    /// this broker leads, whether the ISR has min.insync.replicas members (when <paramref name="requireMinIsr"/>, for
    /// acks=all; else nothing is appended, as Kafka), and the leader epoch the batch was stamped with.
    /// <paramref name="crcVerified"/>: see <see cref="PartitionLog.Append"/>.
    /// </summary>
    public LeaderAppendResult AppendAsLeader(Span<byte> batches, bool requireMinIsr, bool crcVerified = false)
    {
        LogAppendResult result;
        int epoch;
        int isrSize;
        lock (_stateLock)
        {
            epoch = _leaderEpoch;
            isrSize = _isr.Length;
            if (!_isLeader) return new LeaderAppendResult(ErrorCode.NotLeaderOrFollower, default, epoch, isrSize);
            if (requireMinIsr && isrSize < MinInsyncReplicas)
                return new LeaderAppendResult(ErrorCode.NotEnoughReplicas, default, epoch, isrSize);
            try
            {
                result = Log.Append(batches, epoch, crcVerified);
            }
            catch (KafkaStorageException)
            {
                // The log dir is offline (logged once by the failure channel); nothing was appended. Retriable: the
                // broker leaves the cluster and the client finds the new leader.
                return new LeaderAppendResult(ErrorCode.KafkaStorageError, default, epoch, isrSize);
            }

            if (result.IsSuccess) MaybeAdvanceHighWatermarkLocked();
        }

        if (result.IsSuccess) DataAppended.Notify();
        return new LeaderAppendResult(ErrorCode.None, result, epoch, isrSize);
    }

    /// <summary>NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas (checked before an acks=all append).</summary>
    public ErrorCode CheckEnoughReplicas() => _isr.Length < MinInsyncReplicas ? ErrorCode.NotEnoughReplicas : ErrorCode.None;

    /// <summary>
    /// Waits until the high watermark reaches <paramref name="requiredOffset"/> (acks=all) for a batch appended under
    /// <paramref name="leaderEpoch"/>. Then NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
    /// min.insync.replicas meanwhile; NOT_LEADER_OR_FOLLOWER when leadership was lost since the append (a newer epoch
    /// while this broker stayed leader is no loss: the batch is still in its log); REQUEST_TIMED_OUT after
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<ErrorCode> WaitForReplicationAsync(long requiredOffset, int leaderEpoch, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        long deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            var changed = HighWatermarkChanged.WaitAsync();
            if (!IsLeaderSince(leaderEpoch)) return ErrorCode.NotLeaderOrFollower;
            if (HighWatermark >= requiredOffset)
                return _isr.Length < MinInsyncReplicas ? ErrorCode.NotEnoughReplicasAfterAppend : ErrorCode.None;
            var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero) return ErrorCode.RequestTimedOut;
            try
            {
                await changed.WaitAsync(left, time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>True when this broker has led without interruption since (at least) <paramref name="leaderEpoch"/>.</summary>
    private bool IsLeaderSince(int leaderEpoch)
    {
        lock (_stateLock)
        {
            return _isLeader && _leaderSinceEpoch <= leaderEpoch && leaderEpoch <= _leaderEpoch;
        }
    }

    /// <summary>
    /// Records a follower's fetch (Kafka's updateFollowerFetchState) at the partition's clock: everything below
    /// <paramref name="fetchOffset"/> is on the follower. May advance the high watermark and start adding the follower
    /// back to the ISR. <paramref name="logStartOffset"/> is the follower's log start (-1: unknown, kept as it was),
    /// which completes DeleteRecords waiting for the low watermark.
    /// Returns false when this broker does not lead or <paramref name="replicaId"/> is not a replica.
    /// </summary>
    public bool UpdateFollowerFetchState(int replicaId, long fetchOffset, long logStartOffset = -1)
    {
        long nowMs = NowMs;
        bool logStartRaised = false;
        lock (_stateLock)
        {
            if (!_isLeader || !_followers.TryGetValue(replicaId, out var follower)) return false;
            if (logStartOffset > follower.LogStartOffset)
            {
                follower.LogStartOffset = logStartOffset;
                logStartRaised = true;
            }

            long leaderEnd = Log.LogEndOffset;
            if (fetchOffset >= leaderEnd) follower.LastCaughtUpTimeMs = Math.Max(follower.LastCaughtUpTimeMs, nowMs);
            else if (fetchOffset >= follower.LastFetchLeaderLogEndOffset) follower.LastCaughtUpTimeMs = Math.Max(follower.LastCaughtUpTimeMs, follower.LastFetchTimeMs);
            follower.LogEndOffset = fetchOffset;
            follower.LastFetchLeaderLogEndOffset = leaderEnd;
            follower.LastFetchTimeMs = nowMs;

            if (!_isr.Contains(replicaId) && _pendingIsr is null
                && fetchOffset >= HighWatermark && fetchOffset >= _leaderEpochStartOffset)
            {
                StartIsrChangeLocked([.. _isr, replicaId], "caught up");
            }

            MaybeAdvanceHighWatermarkLocked();
        }

        if (logStartRaised) LogStartOffsetChanged.Notify();
        return true;
    }

    /// <summary>
    /// Drops followers that have not caught up within <paramref name="lagMaxMs"/> (by the partition's clock) from the
    /// ISR (Kafka's maybeShrinkIsr). The ISR changes only once ZooKeeper accepted the write.
    /// </summary>
    public void MaybeShrinkIsr(long lagMaxMs)
    {
        long nowMs = NowMs;
        lock (_stateLock)
        {
            if (!_isLeader || _pendingIsr is not null) return;
            var isr = _isr;
            var keep = isr.Where(r => r == _localBrokerId || !_followers.TryGetValue(r, out var f) || nowMs - f.LastCaughtUpTimeMs <= lagMaxMs).ToArray();
            if (keep.Length < isr.Length) StartIsrChangeLocked(keep, "lagging more than replica.lag.time.max.ms");
        }
    }

    private void StartIsrChangeLocked(int[] isr, string reason)
    {
        _pendingIsr = isr;
        int epoch = _leaderEpoch;
        int version = _stateVersion;
        _ = Task.Run(async () =>
        {
            int? written = null;
            try
            {
                written = await _isrWriter.TryWriteIsrAsync(this, epoch, isr, version, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // ZooKeeper unavailable: the next fetch or shrink check tries again.
            }

            CompleteIsrChange(isr, epoch, version, written, reason);
        });
    }

    private void CompleteIsrChange(int[] isr, int epoch, int version, int? written, string reason)
    {
        bool applied = false;
        int delta = 0;
        lock (_stateLock)
        {
            if (ReferenceEquals(_pendingIsr, isr)) _pendingIsr = null;
            if (written is { } v && _isLeader && _leaderEpoch == epoch && _stateVersion == version)
            {
                delta = isr.Length - _isr.Length;
                _isr = isr;
                _stateVersion = v;
                applied = true;
            }

            MaybeAdvanceHighWatermarkLocked();
        }

        if (!applied) return;
        if (delta != 0) IsrResized?.Invoke(delta);
        IsrChanged?.Invoke(this, reason);
    }

    /// <summary>Raised after this leader changed the ISR in ZooKeeper (for logging), with the reason.</summary>
    public event Action<Partition, string>? IsrChanged;

    /// <summary>Raised after this leader wrote an ISR of another size: new size minus old (ISR shrink/expand metrics).</summary>
    public event Action<int>? IsrResized;

    /// <summary>
    /// High watermark = the smallest log end among the maximal ISR (the committed ISR plus a replica whose addition is
    /// being written); it never moves back while leading. Shrinks are not counted until committed: until then the
    /// replica being removed still holds the high watermark back.
    /// </summary>
    private void MaybeAdvanceHighWatermarkLocked()
    {
        if (!_isLeader) return;
        long min = Log.LogEndOffset;
        min = MinLogEnd(_isr, min);
        if (_pendingIsr is { } pending) min = MinLogEnd(pending, min);
        if (min > Volatile.Read(ref _highWatermark))
        {
            SetHighWatermarkLocked(min);
            HighWatermarkChanged.Notify();
        }
    }

    private long MinLogEnd(int[] replicas, long min)
    {
        foreach (int r in replicas)
        {
            if (r == _localBrokerId) continue;
            if (!_followers.TryGetValue(r, out var f)) continue; // not a replica any more
            if (f.LogEndOffset < min) min = f.LogEndOffset;
        }

        return min;
    }
}
