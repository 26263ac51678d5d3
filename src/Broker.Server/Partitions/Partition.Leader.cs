using Broker.Protocol;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    private bool _isrChangeInFlight;

    /// <summary>
    /// Appends producer batches as leader (see <see cref="PartitionLog.Append"/>), stamped with the current leader
    /// epoch. Returns null when this broker is not the leader (checked under the state lock, so nothing is appended
    /// once the broker learned it was deposed).
    /// </summary>
    public LogAppendResult? AppendAsLeader(Span<byte> batches)
    {
        LogAppendResult result;
        lock (_stateLock)
        {
            if (!_isLeader) return null;
            result = Log.Append(batches, _leaderEpoch);
            if (result.IsSuccess) MaybeAdvanceHighWatermarkLocked();
        }

        if (result.IsSuccess) DataAppended.Notify();
        return result;
    }

    /// <summary>NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas (checked before an acks=all append).</summary>
    public ErrorCode CheckEnoughReplicas() => _isr.Length < MinInsyncReplicas ? ErrorCode.NotEnoughReplicas : ErrorCode.None;

    /// <summary>
    /// Waits until the high watermark reaches <paramref name="requiredOffset"/> (acks=all). Then NONE, or
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas meanwhile;
    /// NOT_LEADER_OR_FOLLOWER when leadership was lost; REQUEST_TIMED_OUT after <paramref name="timeout"/>.
    /// </summary>
    public async Task<ErrorCode> WaitForReplicationAsync(long requiredOffset, int leaderEpoch, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        long deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            var changed = HighWatermarkChanged.WaitAsync();
            if (!_isLeader || _leaderEpoch != leaderEpoch) return ErrorCode.NotLeaderOrFollower;
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

    /// <summary>
    /// Records a follower's fetch (Kafka's updateFollowerFetchState): everything below <paramref name="fetchOffset"/>
    /// is on the follower. May advance the high watermark and start adding the follower back to the ISR.
    /// Returns false when this broker does not lead or <paramref name="replicaId"/> is not a replica.
    /// </summary>
    public bool UpdateFollowerFetchState(int replicaId, long fetchOffset, long nowMs)
    {
        lock (_stateLock)
        {
            if (!_isLeader || !_followers.TryGetValue(replicaId, out var follower)) return false;
            long leaderEnd = Log.LogEndOffset;
            if (fetchOffset >= leaderEnd) follower.LastCaughtUpTimeMs = Math.Max(follower.LastCaughtUpTimeMs, nowMs);
            else if (fetchOffset >= follower.LastFetchLeaderLogEndOffset) follower.LastCaughtUpTimeMs = Math.Max(follower.LastCaughtUpTimeMs, follower.LastFetchTimeMs);
            follower.LogEndOffset = fetchOffset;
            follower.LastFetchLeaderLogEndOffset = leaderEnd;
            follower.LastFetchTimeMs = nowMs;

            if (!_isr.Contains(replicaId) && !_isrChangeInFlight
                && fetchOffset >= HighWatermark && fetchOffset >= _leaderEpochStartOffset)
            {
                StartIsrChangeLocked([.. _isr, replicaId], "caught up");
            }

            MaybeAdvanceHighWatermarkLocked();
            return true;
        }
    }

    /// <summary>
    /// Drops followers that have not caught up within <paramref name="lagMaxMs"/> from the ISR (Kafka's
    /// maybeShrinkIsr). The ISR changes only once ZooKeeper accepted the write.
    /// </summary>
    public void MaybeShrinkIsr(long nowMs, long lagMaxMs)
    {
        lock (_stateLock)
        {
            if (!_isLeader || _isrChangeInFlight) return;
            var isr = _isr;
            var keep = isr.Where(r => r == _localBrokerId || !_followers.TryGetValue(r, out var f) || nowMs - f.LastCaughtUpTimeMs <= lagMaxMs).ToArray();
            if (keep.Length < isr.Length) StartIsrChangeLocked(keep, "lagging more than replica.lag.time.max.ms");
        }
    }

    private void StartIsrChangeLocked(int[] isr, string reason)
    {
        _isrChangeInFlight = true;
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

            lock (_stateLock)
            {
                _isrChangeInFlight = false;
                if (written is { } v && _isLeader && _leaderEpoch == epoch && _stateVersion == version)
                {
                    _isr = isr;
                    _stateVersion = v;
                    IsrChanged?.Invoke(this, reason);
                    MaybeAdvanceHighWatermarkLocked();
                }
            }
        });
    }

    /// <summary>Raised after this leader changed the ISR in ZooKeeper (for logging), with the reason.</summary>
    public event Action<Partition, string>? IsrChanged;

    /// <summary>High watermark = the smallest log end among in-sync replicas; it never moves back while leading.</summary>
    private void MaybeAdvanceHighWatermarkLocked()
    {
        if (!_isLeader) return;
        long min = Log.LogEndOffset;
        foreach (int r in _isr)
        {
            if (r == _localBrokerId) continue;
            if (!_followers.TryGetValue(r, out var f)) continue; // not a replica any more
            if (f.LogEndOffset < min) min = f.LogEndOffset;
        }

        if (min > Volatile.Read(ref _highWatermark))
        {
            Volatile.Write(ref _highWatermark, min);
            HighWatermarkChanged.Notify();
        }
    }
}
