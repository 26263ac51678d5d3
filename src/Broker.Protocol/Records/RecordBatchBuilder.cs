using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Broker.Protocol.Records;

/// <summary>
/// Builds one uncompressed magic-2 batch with a valid CRC, the way a producer would. Meant for tests and for broker
/// components that write their own records (e.g. internal topics). Not thread-safe; one builder per batch.
/// </summary>
public sealed class RecordBatchBuilder
{
    private readonly ArrayBufferWriter<byte> _records = new();
    private long _firstTimestamp = -1;
    private long _maxTimestamp = -1;
    private int _count;

    /// <param name="defaultTimestamp">Timestamp (ms) of records added without one.</param>
    public RecordBatchBuilder(long defaultTimestamp = 0)
    {
        DefaultTimestamp = defaultTimestamp;
    }

    public long DefaultTimestamp { get; }

    public long BaseOffset { get; set; }

    public int PartitionLeaderEpoch { get; set; } = -1;

    public long ProducerId { get; set; } = -1;

    public short ProducerEpoch { get; set; } = -1;

    public int BaseSequence { get; set; } = -1;

    public bool IsTransactional { get; set; }

    public bool IsControl { get; set; }

    /// <summary>Number of records added so far.</summary>
    public int Count => _count;

    /// <summary>Adds a record with UTF-8 key and value (either may be null).</summary>
    public RecordBatchBuilder Add(string? key, string? value, long? timestamp = null) =>
        Add(key is null ? null : Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value), timestamp);

    /// <summary>Adds a record; offset deltas are assigned in call order.</summary>
    public RecordBatchBuilder Add(byte[]? key, byte[]? value, long? timestamp = null, IReadOnlyList<RecordHeader>? headers = null)
    {
        long ts = timestamp ?? DefaultTimestamp;
        if (_count == 0)
        {
            _firstTimestamp = ts;
        }

        _maxTimestamp = _count == 0 ? ts : Math.Max(_maxTimestamp, ts);
        WriteRecord(key, value, ts - _firstTimestamp, _count, headers);
        _count++;
        return this;
    }

    /// <summary>Serializes the batch. At least one record must have been added.</summary>
    public byte[] Build()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("A batch needs at least one record.");
        }

        var batch = new byte[RecordBatchHeader.Size + _records.WrittenCount];
        Span<byte> s = batch;
        BinaryPrimitives.WriteInt64BigEndian(s, BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(s[RecordBatchHeader.BatchLengthOffset..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(s[RecordBatchHeader.PartitionLeaderEpochOffset..], PartitionLeaderEpoch);
        s[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        short attributes = (short)((IsTransactional ? RecordBatchHeader.TransactionalFlag : 0) | (IsControl ? RecordBatchHeader.ControlFlag : 0));
        BinaryPrimitives.WriteInt16BigEndian(s[RecordBatchHeader.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(s[RecordBatchHeader.LastOffsetDeltaOffset..], _count - 1);
        BinaryPrimitives.WriteInt64BigEndian(s[RecordBatchHeader.BaseTimestampOffset..], _firstTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(s[RecordBatchHeader.MaxTimestampOffset..], _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(s[RecordBatchHeader.ProducerIdOffset..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(s[RecordBatchHeader.ProducerEpochOffset..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(s[RecordBatchHeader.BaseSequenceOffset..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(s[RecordBatchHeader.RecordsCountOffset..], _count);
        _records.WrittenSpan.CopyTo(s[RecordBatchHeader.Size..]);
        RecordBatch.WriteCrc(s);
        return batch;
    }

    /// <summary>Concatenates serialized batches, as a producer sends several in one request body.</summary>
    public static byte[] Concat(params byte[][] batches)
    {
        var all = new byte[batches.Sum(b => b.Length)];
        int position = 0;
        foreach (byte[] b in batches)
        {
            b.CopyTo(all, position);
            position += b.Length;
        }

        return all;
    }

    private void WriteRecord(byte[]? key, byte[]? value, long timestampDelta, int offsetDelta, IReadOnlyList<RecordHeader>? headers)
    {
        var body = new ArrayBufferWriter<byte>();
        body.GetSpan(1)[0] = 0;
        body.Advance(1);
        Advance(body, RecordVarint.WriteVarlong(body.GetSpan(RecordVarint.MaxVarlongBytes), timestampDelta));
        WriteVarint(body, offsetDelta);
        WriteBytes(body, key);
        WriteBytes(body, value);
        WriteVarint(body, headers?.Count ?? 0);
        foreach (RecordHeader header in headers ?? [])
        {
            WriteBytes(body, Encoding.UTF8.GetBytes(header.Key));
            WriteBytes(body, header.Value);
        }

        WriteVarint(_records, body.WrittenCount);
        _records.Write(body.WrittenSpan);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> writer, byte[]? bytes)
    {
        WriteVarint(writer, bytes?.Length ?? -1);
        if (bytes is not null)
        {
            writer.Write(bytes);
        }
    }

    private static void WriteVarint(ArrayBufferWriter<byte> writer, int value) =>
        Advance(writer, RecordVarint.WriteVarint(writer.GetSpan(RecordVarint.MaxVarintBytes), value));

    private static void Advance(ArrayBufferWriter<byte> writer, int count) => writer.Advance(count);
}
