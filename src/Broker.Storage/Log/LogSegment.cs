using Broker.Protocol.Records;
using Microsoft.Win32.SafeHandles;

namespace Broker.Storage.Log;

/// <summary>
/// One segment of a partition log: <c>&lt;base offset&gt;.log</c> holding magic-2 batches back to back exactly as
/// received (only baseOffset and partitionLeaderEpoch are patched), a sparse <see cref="OffsetIndex"/> with an entry
/// every <see cref="LogConfig.IndexIntervalBytes"/>, and a <see cref="TimeIndex"/> entry at the same points when the
/// max timestamp has grown (plus one on roll/close).
/// Thread-safety: mutations (Append, Recover, TruncateTo, lifecycle) must be serialised by the owner; Read,
/// FindOffsetByTimestamp and the properties are safe concurrently with one writer: data is written before
/// <see cref="Size"/> is published, and readers never look past the size they read.
/// </summary>
public sealed partial class LogSegment : IDisposable
{
    private readonly SafeFileHandle _log;
    private readonly OffsetIndex _offsetIndex;
    private readonly TimeIndex _timeIndex;
    private readonly TransactionIndex _txnIndex;
    private readonly int _indexIntervalBytes;
    private int _size;
    private int _bytesSinceLastIndexEntry;
    private long _nextOffset;
    private long _maxTimestamp = -1;
    private long _offsetOfMaxTimestamp = -1;
    private bool _disposed;

    private LogSegment(string directory, long baseOffset, LogConfig config, bool active, string fileSuffix = "")
    {
        BaseOffset = baseOffset;
        LogPath = LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.LogSuffix + fileSuffix);
        _indexIntervalBytes = config.IndexIntervalBytes;
        _log = File.OpenHandle(LogPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(_log);
        if (length > int.MaxValue)
        {
            _log.Dispose();
            throw new InvalidDataException($"Segment {LogPath} is larger than 2 GiB.");
        }

        _size = (int)length;
        _nextOffset = baseOffset;
        _offsetIndex = OffsetIndex.Open(LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.IndexSuffix + fileSuffix), baseOffset, config.MaxIndexBytes, _size);
        _timeIndex = TimeIndex.Open(LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.TimeIndexSuffix + fileSuffix), baseOffset, config.MaxIndexBytes);
        _txnIndex = new TransactionIndex(LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.TxnIndexSuffix + fileSuffix));
        if (_timeIndex.TryGetLast(out long timestamp, out long offset))
        {
            _maxTimestamp = timestamp;
            _offsetOfMaxTimestamp = offset;
        }

        if (active)
        {
            _offsetIndex.Preallocate();
            _timeIndex.Preallocate();
        }
    }

    /// <summary>Offset of the first batch this segment may hold; also its file name.</summary>
    public long BaseOffset { get; }

    public string LogPath { get; private set; }

    /// <summary>Published byte size of the log file; readers see only batches below it.</summary>
    public int Size => Volatile.Read(ref _size);

    /// <summary>The offset after the last batch (BaseOffset when empty).</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Largest batch max-timestamp in the segment, -1 when empty or unknown.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>Base offset of the batch that first reached <see cref="MaxTimestamp"/>.</summary>
    public long OffsetOfMaxTimestamp => Volatile.Read(ref _offsetOfMaxTimestamp);

    /// <summary>
    /// Wall-clock ms the segment.ms roll timer counts from: the time of the first append, or after a restart the
    /// first batch's max timestamp (as Kafka). -1 while empty.
    /// </summary>
    public long RollingBaseTimeMs { get; private set; } = -1;

    /// <summary>True when either index has no room left; the log then rolls.</summary>
    public bool IsIndexFull => _offsetIndex.IsFull || _timeIndex.IsFull;

    internal int OffsetIndexEntryCount => _offsetIndex.Count;

    internal int TimeIndexEntryCount => _timeIndex.Count;

    /// <summary>The segment's aborted-transaction index (<c>.txnindex</c>).</summary>
    internal TransactionIndex TxnIndex => _txnIndex;

    /// <summary>Creates an empty active segment; existing files of that name are overwritten.</summary>
    public static LogSegment Create(string directory, long baseOffset, LogConfig config)
    {
        foreach (string suffix in new[] { LogFileNames.LogSuffix, LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix, LogFileNames.TxnIndexSuffix })
        {
            File.Delete(LogFileNames.SegmentPath(directory, baseOffset, suffix));
        }

        return new LogSegment(directory, baseOffset, config, active: true);
    }

    /// <summary>
    /// Opens an existing segment. Indexes are loaded as found; call <see cref="Recover"/> to validate batches and
    /// learn <see cref="NextOffset"/>.
    /// </summary>
    public static LogSegment Open(string directory, long baseOffset, LogConfig config, bool active) =>
        new(directory, baseOffset, config, active);

    /// <summary>
    /// Appends whole, valid batches whose offsets are already assigned and fit this segment. One positional write;
    /// per-batch work is limited to reading the header for the indexes.
    /// </summary>
    /// <param name="batches">Concatenated batches, baseOffset &gt;= <see cref="NextOffset"/>.</param>
    /// <param name="nowMs">Wall-clock ms, starts the roll timer on the first append.</param>
    public void Append(ReadOnlySpan<byte> batches, long nowMs)
    {
        int position = _size;
        if ((long)position + batches.Length > int.MaxValue)
        {
            throw new InvalidOperationException("Segment would exceed 2 GiB.");
        }

        long next = _nextOffset;
        long maxTimestamp = _maxTimestamp;
        long offsetOfMaxTimestamp = _offsetOfMaxTimestamp;
        int bytesSinceLastIndexEntry = _bytesSinceLastIndexEntry;
        try
        {
            RandomAccess.Write(_log, batches, position);
            int at = 0;
            while (at < batches.Length)
            {
                RecordBatchHeader header = RecordBatchHeader.Read(batches[at..]);
                IndexBatch(header, position + at);
                at += header.TotalSize;
                next = header.NextOffset;
            }
        }
        catch (IOException)
        {
            // Nothing of this append is published (size and next offset are unchanged, so readers and the next
            // append ignore any bytes written past the size); the index entries and timestamps it added go too.
            RollBackIndexes(_nextOffset, maxTimestamp, offsetOfMaxTimestamp, bytesSinceLastIndexEntry);
            throw;
        }

        if (RollingBaseTimeMs < 0)
        {
            RollingBaseTimeMs = nowMs;
        }

        Volatile.Write(ref _nextOffset, next);
        Volatile.Write(ref _size, position + batches.Length);
    }

    /// <summary>Makes this the active segment again (after load or truncation): preallocates the index files.</summary>
    public void PrepareForAppends()
    {
        _offsetIndex.Preallocate();
        _timeIndex.Preallocate();
    }

    /// <summary>
    /// Sets <see cref="NextOffset"/> of a segment loaded without a scan, from the next segment's base offset (offsets
    /// are contiguous across segments).
    /// </summary>
    internal void AssumeNextOffset(long nextOffset) => _nextOffset = nextOffset;

    /// <summary>Called when a newer segment takes over: final time-index entry and trimmed index files.</summary>
    public void OnBecomeInactive()
    {
        AppendFinalTimeIndexEntry();
        _offsetIndex.TrimToValidSize();
        _timeIndex.TrimToValidSize();
    }

    /// <summary>fsyncs the log and both index files.</summary>
    public void Flush()
    {
        RandomAccess.FlushToDisk(_log);
        _offsetIndex.Flush();
        _timeIndex.Flush();
        _txnIndex.Flush();
    }

    /// <summary>Renames the three files with the ".deleted" suffix; open handles keep serving in-flight reads.</summary>
    public void RenameForDeletion()
    {
        string newLogPath = LogPath + LogFileNames.DeletedSuffix;
        File.Move(LogPath, newLogPath, overwrite: true);
        LogPath = newLogPath;
        _offsetIndex.Rename(_offsetIndex.FilePath + LogFileNames.DeletedSuffix);
        _timeIndex.Rename(_timeIndex.FilePath + LogFileNames.DeletedSuffix);
        _txnIndex.Rename(_txnIndex.FilePath + LogFileNames.DeletedSuffix);
    }

    /// <summary>Closes the handles and deletes the files under their current names.</summary>
    public void CloseAndDelete()
    {
        Dispose();
        File.Delete(LogPath);
        _offsetIndex.DeleteFile();
        _timeIndex.DeleteFile();
        _txnIndex.DeleteFile();
    }

    /// <summary>Closes without flushing; trims index files so the next open finds no preallocated tail.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (File.Exists(LogPath) && !LogPath.EndsWith(LogFileNames.DeletedSuffix, StringComparison.Ordinal))
            {
                AppendFinalTimeIndexEntry();
                _offsetIndex.TrimToValidSize();
                _timeIndex.TrimToValidSize();
            }
        }
        finally
        {
            _log.Dispose();
            _offsetIndex.Dispose();
            _timeIndex.Dispose();
        }
    }

    /// <summary>Undoes the index and timestamp bookkeeping of a failed append whose first offset was <paramref name="from"/>.</summary>
    private void RollBackIndexes(long from, long maxTimestamp, long offsetOfMaxTimestamp, int bytesSinceLastIndexEntry)
    {
        Volatile.Write(ref _maxTimestamp, maxTimestamp);
        Volatile.Write(ref _offsetOfMaxTimestamp, offsetOfMaxTimestamp);
        _bytesSinceLastIndexEntry = bytesSinceLastIndexEntry;
        try
        {
            // The in-memory counts drop first; zeroing the entries on disk may itself fail on a full disk, which
            // recovery then repairs (it rebuilds the indexes of an unclean segment).
            _offsetIndex.TruncateTo(from);
            _timeIndex.TruncateTo(from);
        }
        catch (IOException)
        {
        }
    }

    private void AppendFinalTimeIndexEntry()
    {
        if (_size > 0 && _maxTimestamp >= 0)
        {
            _timeIndex.MaybeAppend(_maxTimestamp, _nextOffset - 1);
        }
    }

    /// <summary>Index bookkeeping for one batch at <paramref name="position"/>, shared by append and recovery.</summary>
    private void IndexBatch(in RecordBatchHeader header, int position)
    {
        if (header.MaxTimestamp > _maxTimestamp)
        {
            Volatile.Write(ref _maxTimestamp, header.MaxTimestamp);
            Volatile.Write(ref _offsetOfMaxTimestamp, header.BaseOffset);
        }

        if (_bytesSinceLastIndexEntry > _indexIntervalBytes)
        {
            if (!_offsetIndex.IsFull)
            {
                _offsetIndex.Append(header.LastOffset, position);
            }

            _timeIndex.MaybeAppend(_maxTimestamp, header.LastOffset);
            _bytesSinceLastIndexEntry = 0;
        }

        _bytesSinceLastIndexEntry += header.TotalSize;
    }
}
