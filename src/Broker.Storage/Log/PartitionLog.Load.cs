using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Opens (or creates) the log in <paramref name="directory"/>, named <c>&lt;topic&gt;-&lt;partition&gt;</c>.
    /// Recovery, as Kafka's LogLoader: an interrupted cleaner swap is completed (<see cref="Cleaner.SwapRecovery"/>); stray files (*.deleted, *.cleaned, *.swap, *.tmp, indexes without a log) are
    /// deleted; every segment holding offsets at or above <paramref name="recoveryPoint"/>, and any segment whose index
    /// is missing, is scanned batch by batch (CRC-32C included) with its indexes rebuilt; the first invalid batch and
    /// everything after it (including later segments) is truncated. Other segments keep their indexes as found.
    /// </summary>
    /// <param name="directory">The partition folder.</param>
    /// <param name="config">Settings of this log.</param>
    /// <param name="time">Clock for roll, retention and flush timing.</param>
    /// <param name="logger">Destination of recovery and lifecycle messages.</param>
    /// <param name="recoveryPoint">Offset below which data was fsynced (from the log dir's
    /// recovery-point-offset-checkpoint); 0, the default, rescans everything.</param>
    /// <param name="logStartOffset">The log start from the log dir's log-start-offset-checkpoint (DeleteRecords may
    /// have raised it inside the first segment); kept within the recovered log. 0, the default, means the first
    /// segment's base offset.</param>
    /// <exception cref="ArgumentException">the folder name is not &lt;topic&gt;-&lt;partition&gt;.</exception>
    public static PartitionLog Open(string directory, LogConfig config, TimeProvider time, ILogger logger, long recoveryPoint = 0, long logStartOffset = 0)
    {
        directory = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (!TopicPartition.TryParseDirectoryName(Path.GetFileName(directory), out TopicPartition topicPartition))
        {
            throw new ArgumentException($"'{directory}' is not named <topic>-<partition>.", nameof(directory));
        }

        System.IO.Directory.CreateDirectory(directory);
        Cleaner.SwapRecovery.Complete(directory, logger);
        List<long> baseOffsets = DeleteStrayFiles(directory, logger);
        var segments = new List<LogSegment>(baseOffsets.Count);
        try
        {
            LoadSegments(directory, config, logger, recoveryPoint, baseOffsets, segments);
            if (segments.Count == 0)
            {
                segments.Add(LogSegment.Create(directory, 0, config));
            }

            segments[^1].PrepareForAppends();
        }
        catch
        {
            segments.ForEach(s => s.Dispose());
            throw;
        }

        var log = new PartitionLog(directory, topicPartition, config, time, logger, [.. segments], recoveryPoint, logStartOffset);
        log.LoadLeaderEpochs();
        log.RebuildProducerState();
        logger.LogLoaded(directory, segments.Count, log.LogStartOffset, log.LogEndOffset, log.RecoveryPoint);
        return log;
    }

    private static void LoadSegments(string directory, LogConfig config, ILogger logger, long recoveryPoint, List<long> baseOffsets, List<LogSegment> segments)
    {
        for (int i = 0; i < baseOffsets.Count; i++)
        {
            long baseOffset = baseOffsets[i];
            bool isLast = i == baseOffsets.Count - 1;
            bool indexMissing = !File.Exists(LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.IndexSuffix))
                || !File.Exists(LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.TimeIndexSuffix));
            bool unflushed = isLast || baseOffsets[i + 1] > recoveryPoint;
            LogSegment segment = LogSegment.Open(directory, baseOffset, config, active: false);
            segments.Add(segment);
            if (!unflushed && !indexMissing)
            {
                segment.AssumeNextOffset(baseOffsets[i + 1]);
                continue;
            }

            // After a clean shutdown the checkpoint equals the log end: a scan from the last index entry proves it
            // and spares a full rescan of the active segment.
            if (isLast && !indexMissing && recoveryPoint > baseOffset
                && segment.Recover(full: false) == 0 && segment.NextOffset <= recoveryPoint)
            {
                continue;
            }

            if (indexMissing && segment.Size > 0)
            {
                logger.RebuiltIndex(segment.LogPath);
            }

            int truncated = segment.Recover(full: true);
            if (truncated > 0)
            {
                // Later segments were written after the damaged bytes and cannot be trusted either.
                for (int j = i + 1; j < baseOffsets.Count; j++)
                {
                    foreach (string suffix in new[] { LogFileNames.LogSuffix, LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix, LogFileNames.TxnIndexSuffix })
                    {
                        File.Delete(LogFileNames.SegmentPath(directory, baseOffsets[j], suffix));
                    }
                }

                logger.TruncatedCorruptTail(segment.LogPath, truncated, baseOffsets.Count - i - 1);
                return;
            }
        }
    }

    /// <summary>
    /// Makes the epoch cache agree with the recovered log: entries past the log end (lost in the crash) or before its
    /// start are trimmed; without a checkpoint file the cache is rebuilt from the batch headers.
    /// </summary>
    private void LoadLeaderEpochs()
    {
        if (!LeaderEpochs.LoadedFromFile && _logEndOffset > _logStartOffset)
        {
            var found = new List<EpochEntry>();
            foreach (LogSegment segment in _segments)
            {
                segment.VisitBatchHeaders(segment.BaseOffset, header =>
                {
                    if (header.PartitionLeaderEpoch >= 0 && (found.Count == 0 || header.PartitionLeaderEpoch > found[^1].Epoch))
                    {
                        found.Add(new EpochEntry(header.PartitionLeaderEpoch, header.BaseOffset));
                    }
                });
            }

            LeaderEpochs.Rebuild(found);
            _logger.RebuiltEpochCache(Directory, found.Count);
        }

        LeaderEpochs.TruncateFromEnd(_logEndOffset);
        LeaderEpochs.TruncateFromStart(_logStartOffset);
    }

    /// <summary>Deletes leftovers and returns the base offsets of the .log files, sorted.</summary>
    private static List<long> DeleteStrayFiles(string directory, ILogger logger)
    {
        var logs = new SortedSet<long>();
        var indexes = new List<(string Path, long BaseOffset)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            if (LogFileNames.StraySuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal)))
            {
                File.Delete(path);
                logger.DeletedStrayFile(path);
            }
            else if (LogFileNames.TryParseBaseOffset(name, LogFileNames.LogSuffix, out long baseOffset))
            {
                logs.Add(baseOffset);
            }
            else if (LogFileNames.TryParseBaseOffset(name, LogFileNames.IndexSuffix, out baseOffset)
                || LogFileNames.TryParseBaseOffset(name, LogFileNames.TimeIndexSuffix, out baseOffset)
                || LogFileNames.TryParseBaseOffset(name, LogFileNames.TxnIndexSuffix, out baseOffset))
            {
                indexes.Add((path, baseOffset));
            }
        }

        foreach ((string path, long baseOffset) in indexes)
        {
            if (!logs.Contains(baseOffset))
            {
                File.Delete(path);
                logger.DeletedStrayFile(path);
            }
        }

        return [.. logs];
    }
}
