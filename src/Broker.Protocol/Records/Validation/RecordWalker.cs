namespace Broker.Protocol.Records.Validation;

/// <summary>
/// Walks the records of one magic-2 batch as Kafka's DefaultRecord reader does and checks the layout: exactly
/// recordsCount records, each a length varint followed by that many body bytes (attributes, timestamp delta, offset
/// delta equal to the record's index, key and value lengths of -1 or more, a non-negative header count, header keys
/// of 0 or more bytes, values of -1 or more), no byte after the last record, varints of at most 5 (varlongs 10) bytes.
/// Keys, values and headers are skipped, never copied. Stateless; the input carries the position.
/// </summary>
internal static class RecordWalker
{
    /// <summary>Smallest record body: attributes, timestamp delta, offset delta, key, value, header count.</summary>
    private const int MinBodyBytes = 6;

    /// <summary>Walks all records; returns None or the first rule broken (with a message naming it).</summary>
    /// <param name="input">The records, positioned at the first one.</param>
    /// <param name="header">The batch header (count, base timestamp).</param>
    /// <param name="timestamps">Checks each record timestamp; null checks none.</param>
    /// <param name="maxTimestamp">Largest record timestamp (-1 when there is none).</param>
    /// <param name="message">Why the batch was refused.</param>
    public static RecordBatchError Walk<T>(ref T input, in RecordBatchHeader header, TimestampRule? timestamps, out long maxTimestamp, out string? message)
        where T : IRecordInput, allows ref struct
    {
        maxTimestamp = -1;
        for (int index = 0; index < header.RecordsCount; index++)
        {
            if (!TryReadVarint(ref input, out int length))
            {
                message = $"record {index}: missing or malformed length (the batch declares {header.RecordsCount} records)";
                return RecordBatchError.InvalidRecord;
            }

            if (length < MinBodyBytes)
            {
                message = $"record {index}: invalid record size {length}";
                return RecordBatchError.InvalidRecord;
            }

            long start = input.Position;
            long end = start + length;
            if (!input.TryReadByte(out _) || !TryReadVarlong(ref input, out long timestampDelta) || !TryReadVarint(ref input, out int offsetDelta))
            {
                message = $"record {index}: truncated or malformed record";
                return RecordBatchError.InvalidRecord;
            }

            if (offsetDelta != index)
            {
                message = $"record {index}: offset delta {offsetDelta}, expected {index}";
                return RecordBatchError.InvalidRecord;
            }

            if (!SkipBytes(ref input, end, allowNull: true, out message, index, "key")
                || !SkipBytes(ref input, end, allowNull: true, out message, index, "value"))
            {
                return RecordBatchError.InvalidRecord;
            }

            if (!TryReadVarint(ref input, out int headerCount) || headerCount < 0 || headerCount > end - input.Position)
            {
                message = $"record {index}: invalid number of record headers";
                return RecordBatchError.InvalidRecord;
            }

            for (int h = 0; h < headerCount; h++)
            {
                if (!SkipBytes(ref input, end, allowNull: false, out message, index, "header key")
                    || !SkipBytes(ref input, end, allowNull: true, out message, index, "header value"))
                {
                    return RecordBatchError.InvalidRecord;
                }
            }

            if (input.Position != end)
            {
                message = $"record {index}: invalid record size: expected to read {length} bytes, read {input.Position - start}";
                return RecordBatchError.InvalidRecord;
            }

            long timestamp = header.BaseTimestamp + timestampDelta;
            maxTimestamp = Math.Max(maxTimestamp, timestamp);
            if (timestamps is { } rule && rule.Check(timestamp, index) is { } timestampMessage)
            {
                message = timestampMessage;
                return RecordBatchError.InvalidTimestamp;
            }
        }

        if (!input.AtEnd())
        {
            message = "incorrect declared batch size: bytes remain after the last record";
            return RecordBatchError.InvalidRecord;
        }

        message = null;
        return RecordBatchError.None;
    }

    private static bool SkipBytes<T>(ref T input, long end, bool allowNull, out string? message, int index, string what)
        where T : IRecordInput, allows ref struct
    {
        if (!TryReadVarint(ref input, out int size))
        {
            message = $"record {index}: malformed {what} length";
            return false;
        }

        if (size < (allowNull ? -1 : 0) || size > end - input.Position)
        {
            message = $"record {index}: invalid {what} length {size}";
            return false;
        }

        if (size > 0 && !input.TrySkip(size))
        {
            message = $"record {index}: {what} runs past the end of the records";
            return false;
        }

        message = null;
        return true;
    }

    private static bool TryReadVarint<T>(ref T input, out int value)
        where T : IRecordInput, allows ref struct
    {
        if (TryReadUnsigned(ref input, RecordVarint.MaxVarintBytes, out ulong raw) && raw <= uint.MaxValue)
        {
            uint u = (uint)raw;
            value = (int)(u >> 1) ^ -(int)(u & 1);
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryReadVarlong<T>(ref T input, out long value)
        where T : IRecordInput, allows ref struct
    {
        if (TryReadUnsigned(ref input, RecordVarint.MaxVarlongBytes, out ulong raw))
        {
            value = (long)(raw >> 1) ^ -(long)(raw & 1);
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryReadUnsigned<T>(ref T input, int maxBytes, out ulong value)
        where T : IRecordInput, allows ref struct
    {
        value = 0;
        for (int i = 0; i < maxBytes; i++)
        {
            if (!input.TryReadByte(out byte b))
            {
                return false;
            }

            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
