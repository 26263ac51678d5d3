using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Storage.Log;

/// <summary>One leader epoch and the offset of the first record written in it.</summary>
/// <param name="Epoch">Leader epoch, &gt;= 0.</param>
/// <param name="StartOffset">First offset of that epoch in the log.</param>
public readonly record struct EpochEntry(int Epoch, long StartOffset);

/// <summary>
/// The leader epoch cache of one partition (KIP-101, KIP-279): the ordered list of (epoch, start offset) pairs, used
/// to answer OffsetForLeaderEpoch and to truncate followers precisely. Persisted as <see cref="FileName"/> in the
/// partition directory after every change (Kafka's text format, written through a temp file, fsync and rename).
/// Invariant: entries are strictly increasing in both epoch and start offset.
/// Thread-safety: all members lock; <see cref="LatestEpoch"/> is a lock-free read for the append path.
/// </summary>
public sealed partial class LeaderEpochCache
{
    /// <summary>Name of the checkpoint file in the partition directory.</summary>
    public const string FileName = "leader-epoch-checkpoint";

    /// <summary>Epoch / offset answered when nothing is known (Kafka's UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET).</summary>
    public const int UndefinedEpoch = -1;

    public const long UndefinedOffset = -1;

    private readonly object _lock = new();
    private readonly List<EpochEntry> _entries = [];
    private readonly string _path;
    private readonly ILogger _logger;
    private int _latestEpoch = UndefinedEpoch;

    /// <summary>
    /// Loads the cache of the partition in <paramref name="directory"/>. A missing or malformed file yields an
    /// empty cache; <see cref="LoadedFromFile"/> tells the caller whether to rebuild it from the log.
    /// </summary>
    public LeaderEpochCache(string directory, ILogger? logger = null)
    {
        _path = Path.Combine(directory, FileName);
        _logger = logger ?? NullLogger.Instance;
        LoadedFromFile = TryReadCheckpoint(_path, _entries, _logger);
        PublishLatest();
    }

    /// <summary>True when the checkpoint file existed and parsed; false means the cache started empty.</summary>
    public bool LoadedFromFile { get; }

    /// <summary>The newest epoch, or -1 when the cache is empty.</summary>
    public int LatestEpoch => Volatile.Read(ref _latestEpoch);

    /// <summary>A copy of the entries, oldest first.</summary>
    public IReadOnlyList<EpochEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>
    /// Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>. Only an epoch newer than
    /// <see cref="LatestEpoch"/> is added; older or equal epochs are ignored (an epoch's start never moves). As in
    /// Kafka, entries whose start offset is &gt;= the new start are dropped first, keeping offsets monotonic
    /// (they describe epochs that never got data below the new start).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">negative epoch or offset.</exception>
    public void Assign(int epoch, long startOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        lock (_lock)
        {
            if (epoch <= _latestEpoch)
            {
                return;
            }

            int removed = RemoveFromEnd(startOffset, out long lastRemovedStart);
            if (removed > 1 || (removed == 1 && lastRemovedStart != startOffset))
            {
                _logger.EpochEntriesTruncated(_path, epoch, startOffset, removed);
            }

            _entries.Add(new EpochEntry(epoch, startOffset));
            PublishLatest();
            Persist();
        }
    }

    /// <summary>
    /// OffsetForLeaderEpoch: the largest epoch &lt;= <paramref name="requestedEpoch"/> and the offset where it ended
    /// (the start of the next higher epoch, or <paramref name="logEndOffset"/> when there is none). The latest epoch
    /// answers <paramref name="logEndOffset"/>; an epoch below the first entry, or an empty cache, answers (-1, -1).
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int requestedEpoch, long logEndOffset)
    {
        lock (_lock)
        {
            if (_entries.Count == 0 || requestedEpoch < _entries[0].Epoch)
            {
                return (UndefinedEpoch, UndefinedOffset);
            }

            if (requestedEpoch >= _latestEpoch)
            {
                return (_latestEpoch, logEndOffset);
            }

            // Largest index with Epoch <= requested; exists because requested >= the first epoch, and it is not the
            // last entry because requested < the latest epoch.
            int floor = FloorIndex(requestedEpoch);
            return (_entries[floor].Epoch, _entries[floor + 1].StartOffset);
        }
    }

    /// <summary>Removes entries with StartOffset &gt;= <paramref name="endOffset"/> (the log was truncated there).</summary>
    public void TruncateFromEnd(long endOffset)
    {
        lock (_lock)
        {
            if (endOffset < 0 || RemoveFromEnd(endOffset, out _) == 0)
            {
                return;
            }

            PublishLatest();
            Persist();
        }
    }

    /// <summary>
    /// The log start moved to <paramref name="startOffset"/>: entries starting at or below it collapse into the
    /// newest of them, whose start becomes <paramref name="startOffset"/> (its epoch still covers the new start).
    /// </summary>
    public void TruncateFromStart(long startOffset)
    {
        lock (_lock)
        {
            int covered = 0;
            while (covered < _entries.Count && _entries[covered].StartOffset <= startOffset)
            {
                covered++;
            }

            if (covered == 0 || (covered == 1 && _entries[0].StartOffset == startOffset))
            {
                return;
            }

            EpochEntry kept = _entries[covered - 1] with { StartOffset = startOffset };
            _entries.RemoveRange(0, covered - 1);
            _entries[0] = kept;
            Persist();
        }
    }

    /// <summary>Removes every entry (the log was emptied).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            if (_entries.Count == 0 && File.Exists(_path))
            {
                return;
            }

            _entries.Clear();
            PublishLatest();
            Persist();
        }
    }

    /// <summary>Replaces the content with entries found by scanning the log (used when no checkpoint existed).</summary>
    internal void Rebuild(IReadOnlyList<EpochEntry> entries)
    {
        lock (_lock)
        {
            _entries.Clear();
            foreach (EpochEntry entry in entries)
            {
                if (_entries.Count == 0 || (entry.Epoch > _entries[^1].Epoch && entry.StartOffset > _entries[^1].StartOffset))
                {
                    _entries.Add(entry);
                }
            }

            PublishLatest();
            Persist();
        }
    }

    /// <summary>
    /// Drops trailing entries with StartOffset &gt;= <paramref name="offset"/>; returns how many, and the start of
    /// the newest one removed (-1 when none).
    /// </summary>
    private int RemoveFromEnd(long offset, out long lastRemovedStart)
    {
        lastRemovedStart = -1;
        int keep = _entries.Count;
        while (keep > 0 && _entries[keep - 1].StartOffset >= offset)
        {
            keep--;
        }

        int removed = _entries.Count - keep;
        if (removed > 0)
        {
            lastRemovedStart = _entries[^1].StartOffset;
            _entries.RemoveRange(keep, removed);
        }

        return removed;
    }

    private int FloorIndex(int epoch)
    {
        int lo = 0;
        int hi = _entries.Count - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_entries[mid].Epoch <= epoch)
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

    private void PublishLatest() =>
        Volatile.Write(ref _latestEpoch, _entries.Count == 0 ? UndefinedEpoch : _entries[^1].Epoch);
}
