using Broker.Storage.Log;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Chooses what to clean and remembers what was cleaned (Kafka's LogCleanerManager). Per log dir a
/// <c>cleaner-offset-checkpoint</c> file (Kafka's format: version, count, "topic partition offset" lines) holds each
/// compacted log's first dirty offset, written after every cleaning. The filthiest log goes first: among logs whose
/// cleanup.policy contains compact and that no other thread is cleaning, the one with the highest dirty ratio above
/// its min.cleanable.dirty.ratio; a log whose oldest dirty record passed max.compaction.lag.ms, or whose kept
/// tombstones reached their delete horizon, is eligible whatever its ratio. Delete horizons are learnt from each
/// cleaning and, after a restart, from the batches themselves (<see cref="DeleteHorizonScan"/>, once per log).
/// Thread-safety: all members are thread-safe (one lock).
/// </summary>
public sealed class LogCleanerManager
{
    /// <summary>Kafka's file name.</summary>
    public const string CheckpointFileName = "cleaner-offset-checkpoint";

    private readonly Func<IReadOnlyCollection<PartitionLog>> _logs;
    private readonly object _lock = new();
    private readonly Dictionary<TopicPartition, long> _checkpoints = [];
    private readonly Dictionary<TopicPartition, long> _deleteHorizons = [];
    private readonly HashSet<TopicPartition> _inProgress = [];

    /// <summary>Partitions whose cleaning threw (Kafka's uncleanablePartitions): skipped until the process restarts or
    /// the partition leaves this broker.</summary>
    private readonly HashSet<TopicPartition> _uncleanable = [];
    private readonly List<(PartitionLog Log, Exception Error)> _evaluationFailures = [];

    /// <summary>Logs whose cleaned section was scanned for stamped tombstones since start (<see cref="DeleteHorizonScan"/>).</summary>
    private readonly HashSet<TopicPartition> _horizonsScanned = [];

    /// <param name="logs">The broker's logs, enumerated at each choice.</param>
    /// <param name="logDirs">Log dirs whose checkpoint files are read now.</param>
    public LogCleanerManager(Func<IReadOnlyCollection<PartitionLog>> logs, IEnumerable<string> logDirs)
    {
        _logs = logs;
        foreach (string dir in logDirs)
        {
            foreach ((TopicPartition tp, long offset) in CheckpointFile.Read(Path.Combine(dir, CheckpointFileName)))
            {
                _checkpoints[tp] = offset;
            }
        }
    }

    /// <summary>The checkpointed first dirty offset of a partition, or -1.</summary>
    public long CheckpointOf(TopicPartition tp)
    {
        lock (_lock)
        {
            return _checkpoints.GetValueOrDefault(tp, -1);
        }
    }

    /// <summary>
    /// The log to clean next, marked in progress (call <see cref="DoneCleaning"/> or <see cref="AbortCleaning"/>),
    /// or null when none needs cleaning.
    /// </summary>
    public LogToClean? GrabFilthiestLog(long nowMs)
    {
        lock (_lock)
        {
            MaintainUncleanable();
            LogToClean? best = null;
            foreach (PartitionLog log in _logs())
            {
                if (!log.Config.Compact || log.IsOffline || _inProgress.Contains(log.TopicPartition) || _uncleanable.Contains(log.TopicPartition))
                {
                    continue;
                }

                LogToClean? candidate;
                try
                {
                    candidate = Evaluate(log, nowMs);
                }
                catch (ObjectDisposedException)
                {
                    continue; // Deleted meanwhile.
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Kafka wraps this in a LogCleaningException too: the partition is uncleanable, the others go on.
                    _uncleanable.Add(log.TopicPartition);
                    _evaluationFailures.Add((log, e));
                    continue;
                }

                if (candidate is not null && (best is null || (candidate.Forced && !best.Forced) || (candidate.Forced == best.Forced && candidate.DirtyRatio > best.DirtyRatio)))
                {
                    best = candidate;
                }
            }

            if (best is not null)
            {
                _inProgress.Add(best.Log.TopicPartition);
            }

            return best;
        }
    }

    /// <summary>Records a finished cleaning: new checkpoint (written to the log dir's file) and delete horizon.</summary>
    public void DoneCleaning(LogToClean cleaned, CleanResult result)
    {
        lock (_lock)
        {
            TopicPartition tp = cleaned.Log.TopicPartition;
            _inProgress.Remove(tp);
            if (result.Aborted)
            {
                return;
            }

            _checkpoints[tp] = result.EndOffset;
            if (result.EarliestDeleteHorizonMs >= 0)
            {
                _deleteHorizons[tp] = result.EarliestDeleteHorizonMs;
            }
            else
            {
                _deleteHorizons.Remove(tp);
            }

            WriteCheckpoint(Path.GetDirectoryName(cleaned.Log.Directory)!);
        }
    }

    /// <summary>Partitions marked uncleanable and still hosted (Kafka's uncleanable-partitions-count gauge, summed over
    /// log dirs).</summary>
    public int UncleanablePartitionsCount
    {
        get
        {
            lock (_lock)
            {
                MaintainUncleanable();
                return _uncleanable.Count;
            }
        }
    }

    /// <summary>Logs marked uncleanable while choosing (their evaluation threw) since the last call, for logging.</summary>
    public List<(PartitionLog Log, Exception Error)> DrainEvaluationFailures()
    {
        lock (_lock)
        {
            List<(PartitionLog, Exception)> failures = [.. _evaluationFailures];
            _evaluationFailures.Clear();
            return failures;
        }
    }

    /// <summary>Whether <paramref name="tp"/> is marked uncleanable.</summary>
    public bool IsUncleanable(TopicPartition tp)
    {
        lock (_lock)
        {
            return _uncleanable.Contains(tp);
        }
    }

    /// <summary>Releases a log whose cleaning threw unexpectedly and marks it uncleanable (Kafka's
    /// markPartitionUncleanable): other logs go on being cleaned, this one is skipped from now on.</summary>
    public void MarkUncleanable(LogToClean cleaned)
    {
        lock (_lock)
        {
            _inProgress.Remove(cleaned.Log.TopicPartition);
            _uncleanable.Add(cleaned.Log.TopicPartition);
        }
    }

    /// <summary>Forgets uncleanable partitions no longer hosted (Kafka's maintainUncleanablePartitions), so a
    /// re-created topic is cleaned again. Caller holds the lock.</summary>
    private void MaintainUncleanable()
    {
        if (_uncleanable.Count > 0)
        {
            var hosted = _logs().Select(l => l.TopicPartition).ToHashSet();
            _uncleanable.RemoveWhere(tp => !hosted.Contains(tp));
        }
    }

    /// <summary>Releases a log whose cleaning was cancelled or whose log went away; it may be chosen again later.</summary>
    public void AbortCleaning(LogToClean cleaned)
    {
        lock (_lock)
        {
            _inProgress.Remove(cleaned.Log.TopicPartition);
        }
    }

    /// <summary>Kafka's cleanableOffsets and dirty ratio for one log; null when nothing can be cleaned.</summary>
    private LogToClean? Evaluate(PartitionLog log, long nowMs)
    {
        LogConfig config = log.Config;
        (LogSegment[] segments, long logStart, long highWatermark) = log.SnapshotForCleaning();
        LogSegment active = segments[^1];
        long checkpoint = _checkpoints.GetValueOrDefault(log.TopicPartition, -1);
        // A checkpoint outside the log (truncated, recreated or past retention) restarts from the log start, as Kafka.
        long firstDirty = checkpoint >= logStart && checkpoint <= active.NextOffset ? checkpoint : logStart;
        long upper = Math.Min(active.BaseOffset, highWatermark);
        if (config.MinCompactionLagMs > 0)
        {
            foreach (LogSegment segment in segments.AsSpan(0, segments.Length - 1))
            {
                if (segment.NextOffset > firstDirty && LargestTimestamp(segment) > nowMs - config.MinCompactionLagMs)
                {
                    upper = Math.Min(upper, segment.BaseOffset);
                    break;
                }
            }
        }

        long cleanBytes = 0, dirtyBytes = 0;
        LogSegment? firstDirtySegment = null;
        foreach (LogSegment segment in segments.AsSpan(0, segments.Length - 1))
        {
            if (segment.NextOffset <= firstDirty)
            {
                cleanBytes += segment.Size;
            }
            else if (segment.BaseOffset < upper)
            {
                dirtyBytes += segment.Size;
                firstDirtySegment ??= segment;
            }
        }

        bool lagPassed = config.MaxCompactionLagMs < long.MaxValue && firstDirtySegment is not null
            && firstDirtySegment.FirstBatchTimestamp() is long first && first >= 0 && nowMs - first > config.MaxCompactionLagMs;
        if (firstDirty > logStart && !_deleteHorizons.ContainsKey(log.TopicPartition) && _horizonsScanned.Add(log.TopicPartition))
        {
            // First look at this log since start: its kept tombstones' horizons are on disk, not in memory.
            long stamped = DeleteHorizonScan.EarliestPending(segments, logStart, firstDirty);
            if (stamped >= 0)
            {
                _deleteHorizons[log.TopicPartition] = stamped;
            }
        }

        bool horizonDue = _deleteHorizons.TryGetValue(log.TopicPartition, out long horizon) && horizon <= nowMs && upper > logStart;
        var candidate = new LogToClean(log, firstDirty, upper, cleanBytes, dirtyBytes, lagPassed || horizonDue);
        bool dirtyEnough = dirtyBytes > 0 && upper > firstDirty && candidate.DirtyRatio > config.MinCleanableDirtyRatio;
        return dirtyEnough || candidate.Forced ? candidate : null;
    }

    /// <summary>Kafka's segment.largestTimestamp: max record timestamp, else the file's modification time.</summary>
    private static long LargestTimestamp(LogSegment segment) => segment.MaxTimestamp > 0 ? segment.MaxTimestamp : segment.LastModifiedMs();

    private void WriteCheckpoint(string dir)
    {
        var live = _logs().Where(l => Path.GetDirectoryName(l.Directory) == dir).Select(l => l.TopicPartition).ToHashSet();
        try
        {
            CheckpointFile.Write(Path.Combine(dir, CheckpointFileName), _checkpoints.Where(kv => live.Contains(kv.Key)).ToList());
        }
        catch (IOException)
        {
            // A lost checkpoint costs a re-clean from the log start, nothing else; the dir's own failure handling
            // reports real disk problems on the next append.
        }
    }
}
