using Broker.Protocol.Records;

namespace Broker.Storage.Log;

public sealed partial class LogSegment
{
    private const int RecoveryBufferBytes = 1024 * 1024;

    /// <summary>
    /// Validates batches (framing, magic, CRC-32C, increasing offsets) and rebuilds index entries and in-memory
    /// state, truncating the file at the first invalid batch (torn write, bad length, bad CRC, short read).
    /// </summary>
    /// <param name="full">true: rebuild both indexes from position 0. false: trust the loaded indexes and scan only
    /// from the last offset-index entry (falls back to a full scan if that entry is not a valid batch).</param>
    /// <returns>Number of bytes truncated.</returns>
    public int Recover(bool full)
    {
        int start = 0;
        if (!full && _offsetIndex.TryGetLast(out _, out int lastPosition))
        {
            start = lastPosition;
        }

        ResetScanState(start);
        int fileSize = _size;
        int position = ScanValidBatches(start, fileSize, out long next);
        if (position == start && start > 0 && position < fileSize)
        {
            // The index points at something that is not a batch: do not trust it, rebuild everything.
            return Recover(full: true);
        }

        int truncated = fileSize - position;
        if (truncated > 0)
        {
            RandomAccess.SetLength(_log, position);
            _offsetIndex.TruncateToPosition(position);
            _txnIndex.TruncateTo(next);
        }

        _nextOffset = next;
        _size = position;
        RollingBaseTimeMs = ReadFirstBatchMaxTimestamp();
        return truncated;
    }

    /// <summary>
    /// Removes every batch whose last offset is &gt;= <paramref name="offset"/> (the batch containing the offset goes
    /// entirely). Returns bytes removed. Callers serialise with appends and accept that concurrent readers may fail.
    /// </summary>
    public int TruncateTo(long offset)
    {
        int size = _size;
        if (!TryFindBatch(offset, size, out int position, out _))
        {
            return 0;
        }

        _offsetIndex.TruncateTo(offset);
        _timeIndex.TruncateTo(offset);
        _txnIndex.TruncateTo(offset);
        Volatile.Write(ref _size, position);
        RandomAccess.SetLength(_log, position);
        Recover(full: false);
        return size - position;
    }

    private void ResetScanState(int start)
    {
        _bytesSinceLastIndexEntry = 0;
        if (start == 0)
        {
            _offsetIndex.TruncateTo(BaseOffset);
            _timeIndex.TruncateTo(BaseOffset);
        }

        if (_timeIndex.TryGetLast(out long timestamp, out long offset))
        {
            _maxTimestamp = timestamp;
            _offsetOfMaxTimestamp = offset;
        }
        else
        {
            _maxTimestamp = -1;
            _offsetOfMaxTimestamp = -1;
        }
    }

    /// <summary>Walks valid batches from <paramref name="start"/>; returns where the valid data ends.</summary>
    private int ScanValidBatches(int start, int fileSize, out long next)
    {
        next = BaseOffset;
        int position = start;
        using var reader = new SegmentReader(_log, fileSize, RecoveryBufferBytes);
        while (reader.TryRead(position, RecordBatchHeader.LogOverhead, out ReadOnlySpan<byte> prefix))
        {
            int total = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(prefix[8..]) + RecordBatchHeader.LogOverhead;
            if (total < RecordBatchHeader.Size || !reader.TryRead(position, total, out ReadOnlySpan<byte> batch))
            {
                break;
            }

            if (StoredBatchValidator.ValidateOne(batch, out RecordBatchHeader header) != RecordBatchError.None
                || header.BaseOffset < next
                || header.LastOffset - BaseOffset > int.MaxValue)
            {
                break;
            }

            IndexBatch(header, position);
            next = header.NextOffset;
            position += total;
        }

        return position;
    }

    private long ReadFirstBatchMaxTimestamp()
    {
        if (_size < RecordBatchHeader.Size)
        {
            return -1;
        }

        Span<byte> header = stackalloc byte[RecordBatchHeader.Size];
        return RandomAccess.Read(_log, header, 0) == RecordBatchHeader.Size ? RecordBatchHeader.Read(header).MaxTimestamp : -1;
    }
}
