namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Reads whole batches from <paramref name="fetchOffset"/> into a fresh array (one segment per call, as Kafka).
    /// Lock-free; safe concurrently with appends.
    /// </summary>
    /// <param name="fetchOffset">First offset wanted; the batch containing it is returned whole.</param>
    /// <param name="maxBytes">Byte budget (a larger first batch is still returned when <paramref name="minOneMessage"/>).</param>
    /// <param name="maxOffsetExclusive">Return only batches whose last offset is below this (e.g. the high watermark).</param>
    /// <param name="minOneMessage">KIP-74: return at least one batch even if larger than <paramref name="maxBytes"/>.</param>
    public LogReadResult Read(long fetchOffset, int maxBytes, long maxOffsetExclusive = long.MaxValue, bool minOneMessage = true) =>
        Read(fetchOffset, maxBytes, maxOffsetExclusive, minOneMessage, rent: false);

    /// <summary>
    /// As <see cref="Read(long, int, long, bool)"/>, but the records are read into an array rented from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/> (<see cref="LogReadResult.RentedArray"/>, null when no bytes
    /// were read), so serving fetches allocates no large arrays. The caller returns the array once done with the records.
    /// </summary>
    public LogReadResult ReadPooled(long fetchOffset, int maxBytes, long maxOffsetExclusive = long.MaxValue, bool minOneMessage = true) =>
        Read(fetchOffset, maxBytes, maxOffsetExclusive, minOneMessage, rent: true);

    private LogReadResult Read(long fetchOffset, int maxBytes, long maxOffsetExclusive, bool minOneMessage, bool rent)
    {
        for (int attempt = 0; ; attempt++)
        {
            long logEndOffset = LogEndOffset;
            LogSegment[] segments = Volatile.Read(ref _segments);
            long logStartOffset = LogStartOffset;
            if (fetchOffset < logStartOffset || fetchOffset > logEndOffset)
            {
                return new LogReadResult(ReadOnlyMemory<byte>.Empty, logStartOffset, logEndOffset, OffsetOutOfRange: true);
            }

            if (fetchOffset == logEndOffset)
            {
                // A caught-up consumer: answer without touching the files.
                return new LogReadResult(ReadOnlyMemory<byte>.Empty, logStartOffset, logEndOffset, OffsetOutOfRange: false);
            }

            try
            {
                for (int i = FloorSegment(segments, fetchOffset); i < segments.Length; i++)
                {
                    if (segments[i].TryRead(fetchOffset, maxBytes, maxOffsetExclusive, minOneMessage, rent, out ReadOnlyMemory<byte> records, out byte[]? rented))
                    {
                        return new LogReadResult(records, logStartOffset, logEndOffset, OffsetOutOfRange: false) { RentedArray = rented };
                    }
                }

                return new LogReadResult(ReadOnlyMemory<byte>.Empty, logStartOffset, logEndOffset, OffsetOutOfRange: false);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
                // A segment was deleted (retention with no delete delay, or truncation) under us: retry on a fresh snapshot.
            }
        }
    }

    /// <summary>
    /// KIP-734: the first record carrying the segment's largest timestamp. The segment's
    /// <see cref="LogSegment.OffsetOfMaxTimestamp"/> is only the batch (or, after a restart, a later offset from the
    /// time index), so the record is found by a timestamp search for that very timestamp: no record is later, so the
    /// first at-or-after is the one. Compressed or LogAppendTime batches answer their base offset.
    /// </summary>
    private TimestampAndOffset MaxTimestampOf(LogSegment segment)
    {
        long max = segment.MaxTimestamp;
        return segment.FindOffsetByTimestamp(max) is { } found
            ? new TimestampAndOffset(max, Math.Max(found.Offset, LogStartOffset))
            : new TimestampAndOffset(max, segment.OffsetOfMaxTimestamp);
    }

    /// <summary>
    /// ListOffsets: <see cref="LatestTimestamp"/> (-1), <see cref="EarliestTimestamp"/> (-2),
    /// <see cref="MaxTimestampSpec"/> (-3: the first record with the largest timestamp, the earliest segment's on a tie), or the first offset whose timestamp is &gt;= <paramref name="timestamp"/>
    /// (exact record for uncompressed CreateTime batches, else the batch's base offset). Null when no record
    /// qualifies. Lock-free.
    /// </summary>
    public TimestampAndOffset? OffsetForTimestamp(long timestamp)
    {
        LogSegment[] segments = Volatile.Read(ref _segments);
        switch (timestamp)
        {
            case LatestTimestamp:
                return new TimestampAndOffset(-1, LogEndOffset);
            case EarliestTimestamp:
                return new TimestampAndOffset(-1, LogStartOffset);
            case MaxTimestampSpec:
                LogSegment? best = null;
                foreach (LogSegment segment in segments)
                {
                    if (segment.MaxTimestamp >= 0 && (best is null || segment.MaxTimestamp > best.MaxTimestamp))
                    {
                        best = segment;
                    }
                }

                return best is null ? new TimestampAndOffset(-1, -1) : MaxTimestampOf(best);
        }

        foreach (LogSegment segment in segments)
        {
            if (segment.MaxTimestamp >= timestamp && segment.FindOffsetByTimestamp(timestamp) is { } found)
            {
                return new TimestampAndOffset(found.Timestamp, Math.Max(found.Offset, LogStartOffset));
            }
        }

        return null;
    }
}
