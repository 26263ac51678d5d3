using Broker.Storage.Log;

namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    /// <summary>
    /// Appends batches fetched from the leader (offsets and epochs kept) and takes the leader's high watermark,
    /// capped by the local log end. <paramref name="leaderEpoch"/> must still be this follower's epoch, so a late
    /// response from a former leader's fetcher cannot write. Returns null when that check fails.
    /// </summary>
    public LogAppendResult? AppendAsFollower(ReadOnlySpan<byte> batches, int leaderEpoch, long leaderHighWatermark)
    {
        LogAppendResult? result = null;
        lock (_stateLock)
        {
            if (_isLeader || _leaderEpoch != leaderEpoch) return null;
            if (!batches.IsEmpty) result = Log.AppendAsFollower(batches);
            UpdateFollowerHighWatermarkLocked(leaderHighWatermark);
        }

        if (result is { IsSuccess: true }) DataAppended.Notify();
        return result ?? default(LogAppendResult);
    }

    /// <summary>Truncates the follower's log to <paramref name="offset"/> (divergence point); the high watermark follows.</summary>
    public long TruncateAsFollower(long offset, int leaderEpoch)
    {
        lock (_stateLock)
        {
            if (_isLeader || _leaderEpoch != leaderEpoch) return Log.LogEndOffset;
            long end = Log.Truncate(offset);
            if (Volatile.Read(ref _highWatermark) > end) SetHighWatermarkLocked(end);
            return end;
        }
    }

    /// <summary>Restarts an empty follower log at the leader's log start (the follower fell below it).</summary>
    public void ResetAsFollower(long offset, int leaderEpoch)
    {
        lock (_stateLock)
        {
            if (_isLeader || _leaderEpoch != leaderEpoch) return;
            Log.TruncateFullyAndStartAt(offset);
            SetHighWatermarkLocked(offset);
        }
    }

    private long _leaderHighWatermark = -1;

    /// <summary>
    /// The leader's high watermark as of this follower's last fetch (-1 before any, or while this broker leads). A
    /// consumer reading from this follower (KIP-392) at an offset between the local log end and this value is merely
    /// ahead of replication, not out of range.
    /// </summary>
    public long LeaderHighWatermark => Volatile.Read(ref _leaderHighWatermark);

    private void UpdateFollowerHighWatermarkLocked(long leaderHighWatermark)
    {
        if (leaderHighWatermark > Volatile.Read(ref _leaderHighWatermark)) Volatile.Write(ref _leaderHighWatermark, leaderHighWatermark);
        long hw = Math.Min(leaderHighWatermark, Log.LogEndOffset);
        if (hw >= 0 && hw != Volatile.Read(ref _highWatermark))
        {
            SetHighWatermarkLocked(hw);
            HighWatermarkChanged.Notify();
        }
    }
}
