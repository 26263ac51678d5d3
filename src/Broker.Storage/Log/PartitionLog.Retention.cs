using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    private long _highWatermark;

    /// <summary>
    /// The partition's high watermark as the replica layer last set it: offsets below it are on every in-sync
    /// replica. Retention deletes only segments that end at or below it, as Kafka does, so data a follower has not
    /// copied yet (and that a new leader might still need) is never removed. Starts at 0: nothing is deletable until
    /// the replica layer sets it (a log no partition hosts is never cleaned). Thread-safe (volatile).
    /// </summary>
    public long HighWatermark
    {
        get => Volatile.Read(ref _highWatermark);
        set => Volatile.Write(ref _highWatermark, value);
    }

    /// <summary>
    /// Deletes whole old segments, oldest first and never the active one: by time (segment's largest timestamp, or
    /// its file time when it has none, older than retention.ms) and by size (while the log exceeds retention.bytes by
    /// at least the segment's size), and only segments whose end (the next segment's base offset) is at or below
    /// <see cref="HighWatermark"/>; also segments wholly below <see cref="LogStartOffset"/>. Advances <see cref="LogStartOffset"/>. Returns the number of segments removed.
    /// </summary>
    public int DeleteOldSegments()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return 0;
            }

            LogConfig config = Config;

            LogSegment[] segments = _segments;
            long now = NowMs();
            int deletable = 0;
            // Time and size retention belong to cleanup.policy=delete; a compact-only log keeps its segments.
            if (config.Delete && config.RetentionMs >= 0)
            {
                while (deletable < segments.Length - 1 && now - LargestTimestamp(segments[deletable]) > config.RetentionMs)
                {
                    deletable++;
                }
            }

            if (config.Delete && config.RetentionBytes >= 0)
            {
                long excess = segments.Sum(s => (long)s.Size) - config.RetentionBytes;
                for (int i = 0; i < deletable; i++)
                {
                    excess -= segments[i].Size;
                }

                while (deletable < segments.Length - 1 && excess - segments[deletable].Size >= 0)
                {
                    excess -= segments[deletable].Size;
                    deletable++;
                }
            }

            // Segments wholly below the log start (raised by DeleteRecords or the leader) go whatever the policy.
            deletable = Math.Max(deletable, CountBelowLogStart(segments, _logStartOffset));

            // Kafka's shouldDelete: a segment goes only when everything in it is below the high watermark.
            long highWatermark = HighWatermark;
            while (deletable > 0 && segments[deletable].BaseOffset > highWatermark)
            {
                deletable--;
            }

            if (deletable == 0)
            {
                return 0;
            }

            PublishSegments(segments[deletable..]);
            LeaderEpochs.TruncateFromStart(_logStartOffset);
            Producers.TruncateHead(_logStartOffset);
            ScheduleDeletion(segments.AsSpan(0, deletable), config);
            _logger.RetentionDeleted(Directory, deletable, _logStartOffset);
            return deletable;
        }
    }

    /// <summary>Kafka's segment.largestTimestamp: max record timestamp if positive, else the file's modification time.</summary>
    private static long LargestTimestamp(LogSegment segment) =>
        segment.MaxTimestamp > 0
            ? segment.MaxTimestamp
            : new DateTimeOffset(File.GetLastWriteTimeUtc(segment.LogPath)).ToUnixTimeMilliseconds();

    /// <summary>
    /// Renames removed segments to *.deleted and deletes them after file.delete.delay.ms, so reads that picked them
    /// up before removal can finish (Kafka's asyncDeleteSegment). Caller holds the lock.
    /// </summary>
    private void ScheduleDeletion(ReadOnlySpan<LogSegment> segments, LogConfig config)
    {
        foreach (LogSegment segment in segments)
        {
            try
            {
                segment.RenameForDeletion();
            }
            catch (IOException e)
            {
                _logger.DeleteFailed(e, segment.LogPath);
            }
        }

        ScheduleDeletionOfRenamed(segments, config);
    }

    private void CompletePendingDelete(LogSegment segment)
    {
        lock (_lock)
        {
            if (!_pendingDeletes.Remove(segment, out ITimer? timer))
            {
                return;
            }

            timer?.Dispose();
            DeleteSegmentFiles(segment);
        }
    }

    private void DeleteSegmentFiles(LogSegment segment)
    {
        try
        {
            segment.CloseAndDelete();
        }
        catch (IOException e)
        {
            _logger.DeleteFailed(e, segment.LogPath);
        }
    }
}
