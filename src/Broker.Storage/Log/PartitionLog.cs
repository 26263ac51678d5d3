using Broker.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

/// <summary>
/// The log of one partition in <c>&lt;log dir&gt;/&lt;topic&gt;-&lt;partition&gt;/</c>: an ordered list of
/// <see cref="LogSegment"/>s, the last of which is active.
/// Thread-safety: Append, Roll, Truncate, retention, Delete and Dispose are serialised by one lock per partition;
/// Read and OffsetForTimestamp take no lock and see only fully written batches, because the segment list is an
/// immutable array swapped on change and sizes/offsets are published after the data is written. Segments removed
/// while a read is in flight stay open for <see cref="LogConfig.FileDeleteDelayMs"/>.
/// Durability: fsync happens per flush.messages / flush.ms, on roll (in the background, for the rolled segment) and
/// on Dispose; <see cref="RecoveryPoint"/> is the offset below which data is known to be on disk.
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    /// <summary>ListOffsets timestamp meaning "the log end offset".</summary>
    public const long LatestTimestamp = -1;

    /// <summary>ListOffsets timestamp meaning "the log start offset".</summary>
    public const long EarliestTimestamp = -2;

    /// <summary>ListOffsets timestamp meaning "the record with the largest timestamp" (KIP-734).</summary>
    public const long MaxTimestampSpec = -3;

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<LogSegment, ITimer?> _pendingDeletes = [];
    private LogConfig _config;
    private LogSegment[] _segments;
    private long _logStartOffset;
    private long _logEndOffset;
    private long _recoveryPoint;
    private long _unflushedMessages;
    private long _lastFlushTimeMs;
    private bool _disposed;

    private PartitionLog(string directory, TopicPartition topicPartition, LogConfig config, TimeProvider time, ILogger logger, LogSegment[] segments, long recoveryPoint, long logStartOffset)
    {
        Directory = directory;
        LeaderEpochs = new LeaderEpochCache(directory, logger);
        Producers = new ProducerStateManager(directory, logger);
        TopicPartition = topicPartition;
        _config = config;
        _time = time;
        _logger = logger;
        _segments = segments;
        _logEndOffset = segments[^1].NextOffset;
        // The checkpointed start may lie inside the first segment (DeleteRecords); never outside the log.
        _logStartOffset = Math.Clamp(logStartOffset, segments[0].BaseOffset, Math.Max(segments[0].BaseOffset, _logEndOffset));
        _recoveryPoint = Math.Min(recoveryPoint, _logEndOffset);
        _lastFlushTimeMs = NowMs();
    }

    public string Directory { get; }

    public TopicPartition TopicPartition { get; }

    /// <summary>
    /// Leader epochs of this log and their start offsets, kept consistent with the data: appends add new epochs,
    /// truncation and retention trim it. Callers may query it freely and Assign on becoming leader.
    /// </summary>
    public LeaderEpochCache LeaderEpochs { get; }

    /// <summary>
    /// Idempotent-producer state (sequence and epoch checks of <see cref="Append"/>), snapshotted to
    /// <c>&lt;offset&gt;.snapshot</c> files on roll and close. Read-only for callers.
    /// </summary>
    public ProducerStateManager Producers { get; }

    /// <summary>Current settings; assigning takes effect for the next append / retention pass.</summary>
    public LogConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// First offset readable: the base offset of the oldest segment, or higher after DeleteRecords
    /// (<see cref="MaybeIncrementLogStartOffset"/>), when it may lie inside that segment.
    /// </summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>The offset the next appended record gets; published after its batch is fully written.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>Offsets below this are fsynced; recovery after a crash rescans from the segment containing it.</summary>
    public long RecoveryPoint => Interlocked.Read(ref _recoveryPoint);

    /// <summary>Snapshot of the segments, oldest first; the last is active.</summary>
    public IReadOnlyList<LogSegment> Segments => Volatile.Read(ref _segments);

    /// <summary>Total bytes of all segment files.</summary>
    public long Size => Volatile.Read(ref _segments).Sum(s => (long)s.Size);

    /// <summary>Closes the log after an fsync so the next open needs no recovery scan.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (IsOffline)
            {
                // Nothing more is written to a failed dir (Kafka closes its logs without a flush); recovery at the
                // next start repairs the tail.
                CloseLocked();
                return;
            }

            FlushLocked();
            SnapshotProducersOnClose();
            CloseLocked();
        }
    }

    /// <summary>Closes the log and deletes its directory.</summary>
    public void Delete()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                CloseLocked();
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private void CloseLocked()
    {
        _disposed = true;
        foreach (LogSegment segment in _segments)
        {
            segment.Dispose();
        }

        foreach ((LogSegment segment, ITimer? timer) in _pendingDeletes)
        {
            timer?.Dispose();
            DeleteSegmentFiles(segment);
        }

        _pendingDeletes.Clear();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void PublishSegments(LogSegment[] segments)
    {
        Volatile.Write(ref _segments, segments);
        Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, segments[0].BaseOffset));
    }

    /// <summary>Index of the segment with the largest base offset &lt;= offset (0 when offset is below all).</summary>
    private static int FloorSegment(LogSegment[] segments, long offset)
    {
        int lo = 0;
        int hi = segments.Length - 1;
        int found = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
