using System.Buffers.Binary;
using Broker.Protocol.Records;

namespace Broker.Storage.Log;

public sealed partial class LogSegment
{
    private const int HeaderScanBufferBytes = 8 * 1024;

    /// <summary>
    /// Reads whole batches starting with the one that contains (or follows) <paramref name="startOffset"/>.
    /// Thread-safe against one concurrent appender.
    /// </summary>
    /// <param name="startOffset">First offset wanted; the batch containing it is returned whole.</param>
    /// <param name="maxBytes">Byte budget; never exceeded except by a single first batch when
    /// <paramref name="minOneMessage"/> (KIP-74).</param>
    /// <param name="maxOffsetExclusive">Only batches whose last offset is below this are returned (e.g. the high
    /// watermark); long.MaxValue for no bound.</param>
    /// <param name="minOneMessage">Return the first batch even when it is larger than <paramref name="maxBytes"/>.</param>
    /// <param name="records">Whole batches, possibly empty.</param>
    /// <returns>false when the segment holds no batch at or after <paramref name="startOffset"/> below the bounds,
    /// so the caller should look in the next segment.</returns>
    public bool TryRead(long startOffset, int maxBytes, long maxOffsetExclusive, bool minOneMessage, out ReadOnlyMemory<byte> records) =>
        TryRead(startOffset, maxBytes, maxOffsetExclusive, minOneMessage, rent: false, out records, out _);

    /// <summary>
    /// As <see cref="TryRead(long, int, long, bool, out ReadOnlyMemory{byte})"/>; with <paramref name="rent"/> the bytes
    /// are read into an array from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, returned in
    /// <paramref name="rented"/> (null when nothing was read), which the caller must return once done with
    /// <paramref name="records"/> (they start at index 0 of it).
    /// </summary>
    internal bool TryRead(long startOffset, int maxBytes, long maxOffsetExclusive, bool minOneMessage, bool rent, out ReadOnlyMemory<byte> records, out byte[]? rented)
    {
        records = ReadOnlyMemory<byte>.Empty;
        rented = null;
        int end = Size;
        // NextOffset is published before Size, so read after it, it covers every batch below 'end': when it is within
        // the bound, no batch needs cutting off and the bound's header scan (one pread) is skipped.
        if (maxOffsetExclusive < NextOffset && TryFindBatch(maxOffsetExclusive, end, out int limit, out _))
        {
            end = limit;
        }

        using var reader = new SegmentReader(_log, end, HeaderScanBufferBytes);
        if (!TryFindBatch(reader, startOffset, end, out int start, out RecordBatchHeader first))
        {
            return false;
        }

        int budget = minOneMessage ? Math.Max(maxBytes, first.TotalSize) : maxBytes;
        int want = Math.Min(end - start, budget);
        if (want < first.TotalSize)
        {
            return true;
        }

        var buffer = rent ? System.Buffers.ArrayPool<byte>.Shared.Rent(want) : new byte[want];
        try
        {
            // Small reads (a caught-up consumer's) are usually inside the header scan's buffer already: no second pread.
            if (!reader.TryCopyBuffered(start, buffer.AsSpan(0, want)))
            {
                ReadFully(buffer.AsSpan(0, want), start);
            }
        }
        catch when (rent)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        records = buffer.AsMemory(0, WholeBatchLength(buffer.AsSpan(0, want)));
        rented = rent ? buffer : null;
        return true;
    }

    /// <summary>
    /// First batch whose max timestamp is &gt;= <paramref name="timestamp"/>, refined to the first such record when
    /// the batch is uncompressed CreateTime. Returns (timestamp, offset) or null when the segment has none.
    /// Thread-safe against one concurrent appender.
    /// </summary>
    /// <exception cref="CorruptStoredRecordException">The batch to refine has records that do not parse.</exception>
    public (long Timestamp, long Offset)? FindOffsetByTimestamp(long timestamp)
    {
        int end = Size;
        long fromOffset = _timeIndex.LookupBefore(timestamp);
        int position = fromOffset < 0 ? 0 : _offsetIndex.Lookup(fromOffset).Position;
        using var reader = new SegmentReader(_log, end, HeaderScanBufferBytes);
        while (reader.TryRead(position, RecordBatchHeader.Size, out ReadOnlySpan<byte> bytes))
        {
            RecordBatchHeader header = RecordBatchHeader.Read(bytes);
            if (header.BatchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead)
            {
                break;
            }

            if (header.MaxTimestamp >= timestamp)
            {
                return RefineToRecord(reader, position, header, timestamp);
            }

            position += header.TotalSize;
        }

        return null;
    }

    /// <summary>
    /// Position and header of the first batch below <paramref name="end"/> whose last offset is &gt;=
    /// <paramref name="offset"/>: an index lookup then a scan of batch headers only.
    /// </summary>
    internal bool TryFindBatch(long offset, int end, out int position, out RecordBatchHeader header)
    {
        using var reader = new SegmentReader(_log, end, HeaderScanBufferBytes);
        return TryFindBatch(reader, offset, end, out position, out header);
    }

    private bool TryFindBatch(SegmentReader reader, long offset, int end, out int position, out RecordBatchHeader header)
    {
        position = _offsetIndex.Lookup(offset).Position;
        header = default;
        if (position >= end)
        {
            // The index already points past what this reader may see, so the offset is not below 'end'.
            return false;
        }

        while (reader.TryRead(position, RecordBatchHeader.Size, out ReadOnlySpan<byte> bytes))
        {
            header = RecordBatchHeader.Read(bytes);
            if (header.BatchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead)
            {
                return false;
            }

            if (header.LastOffset >= offset)
            {
                return position + header.TotalSize <= end;
            }

            position += header.TotalSize;
        }

        return false;
    }

    /// <exception cref="CorruptStoredRecordException">The batch's records do not parse (stored before validation).</exception>
    private (long Timestamp, long Offset) RefineToRecord(SegmentReader reader, int position, RecordBatchHeader header, long timestamp)
    {
        if (header.Compression != CompressionType.None || header.TimestampType == TimestampType.LogAppendTime
            || !reader.TryRead(position, header.TotalSize, out ReadOnlySpan<byte> batch))
        {
            return (header.MaxTimestamp, header.BaseOffset);
        }

        try
        {
            var records = new RecordReader(batch);
            while (records.TryReadNext(out RecordView record))
            {
                if (record.Timestamp >= timestamp)
                {
                    return (record.Timestamp, record.Offset);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new CorruptStoredRecordException(
                $"Batch at offset {header.BaseOffset} (position {position}) of {LogPath} has records that do not parse: {e.Message}", e);
        }

        return (header.MaxTimestamp, header.BaseOffset);
    }

    private void ReadFully(Span<byte> buffer, long position)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = RandomAccess.Read(_log, buffer[filled..], position + filled);
            if (n == 0)
            {
                throw new EndOfStreamException($"Segment {LogPath} is shorter than its published size.");
            }

            filled += n;
        }
    }

    /// <summary>Length of the longest prefix of <paramref name="data"/> made of whole batches.</summary>
    private static int WholeBatchLength(ReadOnlySpan<byte> data)
    {
        int length = 0;
        while (length + RecordBatchHeader.LogOverhead <= data.Length)
        {
            int total = BinaryPrimitives.ReadInt32BigEndian(data[(length + 8)..]) + RecordBatchHeader.LogOverhead;
            if (total < RecordBatchHeader.Size || total > data.Length - length)
            {
                break;
            }

            length += total;
        }

        return length;
    }
}
