namespace Broker.Protocol.Records;

/// <summary>
/// Iterates the records of one uncompressed magic-2 batch without allocating. Used by tests and by broker
/// components that read their own internal topics; the produce/fetch path never parses records.
/// </summary>
public ref struct RecordReader
{
    private readonly RecordBatchHeader _header;
    private ReadOnlySpan<byte> _remaining;
    private int _read;

    /// <param name="batch">Exactly one whole batch (as returned by a log read).</param>
    /// <exception cref="NotSupportedException">the batch is compressed.</exception>
    public RecordReader(ReadOnlySpan<byte> batch)
    {
        _header = RecordBatchHeader.Read(batch);
        if (_header.Compression != CompressionType.None)
        {
            throw new NotSupportedException($"Compressed batches ({_header.Compression}) are not decoded here.");
        }

        _remaining = batch[RecordBatchHeader.Size..Math.Min(batch.Length, _header.TotalSize)];
    }

    public readonly RecordBatchHeader Header => _header;

    /// <summary>Reads the next record; false after the last one.</summary>
    /// <exception cref="InvalidDataException">malformed record bytes.</exception>
    public bool TryReadNext(out RecordView record)
    {
        if (_read >= _header.RecordsCount)
        {
            record = default;
            return false;
        }

        int length = ReadVarint(ref _remaining);
        if (length < 0 || length > _remaining.Length)
        {
            throw new InvalidDataException("Record length exceeds the batch.");
        }

        ReadOnlySpan<byte> body = _remaining[..length];
        _remaining = _remaining[length..];
        body = body[1..]; // attributes, unused in v2
        long timestampDelta = ReadVarlong(ref body);
        int offsetDelta = ReadVarint(ref body);
        ReadOnlySpan<byte> key = ReadBytes(ref body, out bool keyNull);
        ReadOnlySpan<byte> value = ReadBytes(ref body, out bool valueNull);
        int headerCount = ReadVarint(ref body);
        _read++;
        record = new RecordView
        {
            Offset = _header.BaseOffset + offsetDelta,
            Timestamp = _header.TimestampType == TimestampType.LogAppendTime
                ? _header.MaxTimestamp
                : _header.BaseTimestamp + timestampDelta,
            Key = key,
            KeyIsNull = keyNull,
            Value = value,
            ValueIsNull = valueNull,
            HeaderCount = headerCount,
            RawHeaders = body,
        };
        return true;
    }

    internal static ReadOnlySpan<byte> ReadBytes(scoped ref ReadOnlySpan<byte> s, out bool isNull)
    {
        int length = ReadVarint(ref s);
        isNull = length < 0;
        if (isNull)
        {
            return default;
        }

        if (length > s.Length)
        {
            throw new InvalidDataException("Record field exceeds the record.");
        }

        ReadOnlySpan<byte> bytes = s[..length];
        s = s[length..];
        return bytes;
    }

    private static int ReadVarint(scoped ref ReadOnlySpan<byte> s)
    {
        if (!RecordVarint.TryReadVarint(s, out int value, out int read))
        {
            throw new InvalidDataException("Malformed varint in record.");
        }

        s = s[read..];
        return value;
    }

    private static long ReadVarlong(scoped ref ReadOnlySpan<byte> s)
    {
        if (!RecordVarint.TryReadVarlong(s, out long value, out int read))
        {
            throw new InvalidDataException("Malformed varlong in record.");
        }

        s = s[read..];
        return value;
    }
}
