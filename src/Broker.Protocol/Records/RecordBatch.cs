using System.Buffers.Binary;

namespace Broker.Protocol.Records;

/// <summary>
/// In-place edits of a serialized magic-2 batch. Each method takes the span starting at the batch's first byte.
/// None of them allocate; only <see cref="SetLogAppendTime"/> recomputes the CRC.
/// </summary>
public static class RecordBatch
{
    /// <summary>Rewrites baseOffset (not covered by the CRC).</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    /// <summary>Rewrites partitionLeaderEpoch (not covered by the CRC).</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.PartitionLeaderEpochOffset..], epoch);

    /// <summary>
    /// Marks the batch as LogAppendTime (attributes bit 3), stores <paramref name="timestampMs"/> as maxTimestamp and
    /// recomputes the CRC. <paramref name="batch"/> must be exactly one whole batch.
    /// </summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestampMs)
    {
        Span<byte> attributes = batch[RecordBatchHeader.AttributesOffset..];
        short value = BinaryPrimitives.ReadInt16BigEndian(attributes);
        BinaryPrimitives.WriteInt16BigEndian(attributes, (short)(value | RecordBatchHeader.TimestampTypeFlag));
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.MaxTimestampOffset..], timestampMs);
        WriteCrc(batch);
    }

    /// <summary>CRC-32C over bytes 21..end, the value a valid batch stores at offset 17.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[RecordBatchHeader.AttributesOffset..]);

    /// <summary>Recomputes and stores the CRC of one whole batch.</summary>
    public static void WriteCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchHeader.CrcOffset..], ComputeCrc(batch));
}
