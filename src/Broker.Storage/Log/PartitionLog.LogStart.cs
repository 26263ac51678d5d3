using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Raises <see cref="LogStartOffset"/> to <paramref name="newLogStartOffset"/> (Kafka's maybeIncrementLogStartOffset):
    /// DeleteRecords on a leader, the leader's log start on a follower. Offsets below it are no longer readable
    /// (reads answer OffsetOutOfRange), the leader-epoch cache forgets what lies below, and every
    /// segment wholly below it (its next segment starts at or below the new start; never the active one) is removed at
    /// once. The new start may lie inside a segment. Lowering is ignored. Returns whether the start moved.
    /// Callers check the bound (a leader: at most the high watermark); the log only refuses a start past its end.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the offset is past the log end.</exception>
    public bool MaybeIncrementLogStartOffset(long newLogStartOffset)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (newLogStartOffset <= _logStartOffset)
            {
                return false;
            }

            ArgumentOutOfRangeException.ThrowIfGreaterThan(newLogStartOffset, _logEndOffset);
            Volatile.Write(ref _logStartOffset, newLogStartOffset);
            LeaderEpochs.TruncateFromStart(newLogStartOffset);
            // Producer state stays (as Kafka's onLogStartOffsetIncremented): an idempotent producer that keeps writing
            // after its records were deleted must still find its sequence, or its next batch would be refused.
            int deleted = DeleteSegmentsBelowLogStartLocked();
            _logger.LogStartIncremented(Directory, newLogStartOffset, deleted);
            return true;
        }
    }

    /// <summary>
    /// Removes the segments whose records all lie below the log start (Kafka's deleteLogStartOffsetBreachedSegments).
    /// Caller holds the lock. Returns how many were removed.
    /// </summary>
    private int DeleteSegmentsBelowLogStartLocked()
    {
        LogSegment[] segments = _segments;
        int breached = CountBelowLogStart(segments, _logStartOffset);
        if (breached == 0)
        {
            return 0;
        }

        PublishSegments(segments[breached..]);
        ScheduleDeletion(segments.AsSpan(0, breached), Config);
        return breached;
    }

    /// <summary>Leading segments (never the active one) that end at or below <paramref name="logStartOffset"/>.</summary>
    private static int CountBelowLogStart(LogSegment[] segments, long logStartOffset)
    {
        int breached = 0;
        while (breached < segments.Length - 1 && segments[breached + 1].BaseOffset <= logStartOffset)
        {
            breached++;
        }

        return breached;
    }
}
