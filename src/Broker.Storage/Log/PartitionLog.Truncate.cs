using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Removes all records at or after <paramref name="offset"/> (a follower truncating to the leader's log). The
    /// batch containing <paramref name="offset"/> is removed whole, so the new end may be below it. Readers racing a
    /// truncation may see an error or stale data and should retry. Returns the new <see cref="LogEndOffset"/>.
    /// </summary>
    public long Truncate(long offset)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (offset >= _logEndOffset)
            {
                return _logEndOffset;
            }

            LogSegment[] segments = _segments;
            if (offset <= segments[0].BaseOffset)
            {
                TruncateFullyAndStartAtLocked(Math.Max(offset, 0));
                return _logEndOffset;
            }

            int keep = FloorSegment(segments, offset) + 1;
            while (keep > 1 && segments[keep - 1].BaseOffset >= offset)
            {
                keep--;
            }

            LogSegment active = segments[keep - 1];
            active.TruncateTo(offset);
            active.PrepareForAppends();
            if (keep < segments.Length)
            {
                Volatile.Write(ref _segments, segments[..keep]);
                ScheduleDeletion(segments.AsSpan(keep), Config);
            }

            Volatile.Write(ref _logEndOffset, active.NextOffset);
            LeaderEpochs.TruncateFromEnd(_logEndOffset);
            LowerRecoveryPoint(_logEndOffset);
            _logger.TruncatedTo(Directory, _logEndOffset);
            return _logEndOffset;
        }
    }

    /// <summary>Drops every segment and restarts the log empty at <paramref name="offset"/> (start = end = offset).</summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_lock)
        {
            ThrowIfDisposed();
            TruncateFullyAndStartAtLocked(offset);
        }
    }

    private void TruncateFullyAndStartAtLocked(long offset)
    {
        LogSegment[] old = _segments;
        foreach (LogSegment segment in old)
        {
            // Renamed first so the new segment can reuse the file name when offset equals an old base offset.
            segment.RenameForDeletion();
        }

        LogSegment created = LogSegment.Create(Directory, offset, Config);
        Volatile.Write(ref _segments, [created]);
        Volatile.Write(ref _logStartOffset, offset);
        Volatile.Write(ref _logEndOffset, offset);
        Interlocked.Exchange(ref _recoveryPoint, offset);
        LeaderEpochs.Clear();
        ScheduleDeletionOfRenamed(old, Config);
        _logger.TruncatedTo(Directory, offset);
    }

    private void ScheduleDeletionOfRenamed(ReadOnlySpan<LogSegment> segments, LogConfig config)
    {
        foreach (LogSegment segment in segments)
        {
            if (config.FileDeleteDelayMs <= 0)
            {
                DeleteSegmentFiles(segment);
                continue;
            }

            _pendingDeletes[segment] = null;
            ITimer timer = _time.CreateTimer(
                state => CompletePendingDelete((LogSegment)state!),
                segment,
                TimeSpan.FromMilliseconds(config.FileDeleteDelayMs),
                Timeout.InfiniteTimeSpan);
            if (_pendingDeletes.ContainsKey(segment))
            {
                _pendingDeletes[segment] = timer;
            }
            else
            {
                // The timer fired synchronously (the lock is re-entrant) and already deleted the files.
                timer.Dispose();
            }
        }
    }

    private void LowerRecoveryPoint(long offset)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _recoveryPoint);
            if (current <= offset)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _recoveryPoint, offset, current) != current);
    }
}
