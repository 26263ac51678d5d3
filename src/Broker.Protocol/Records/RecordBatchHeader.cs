using System.Buffers.Binary;

namespace Broker.Protocol.Records;

/// <summary>
/// The fixed 61-byte header of a magic-2 record batch, parsed from the wire (big-endian).
/// Layout: baseOffset(0,8) batchLength(8,4) partitionLeaderEpoch(12,4) magic(16,1) crc(17,4) attributes(21,2)
/// lastOffsetDelta(23,4) baseTimestamp(27,8) maxTimestamp(35,8) producerId(43,8) producerEpoch(51,2)
/// baseSequence(53,4) recordsCount(57,4). The CRC covers bytes 21 to the end of the batch, so baseOffset and
/// partitionLeaderEpoch may be rewritten without recomputing it.
/// </summary>
public readonly struct RecordBatchHeader
{
    /// <summary>Size of the header in bytes; records start here.</summary>
    public const int Size = 61;

    /// <summary>Bytes before and including batchLength: total batch size = batchLength + LogOverhead.</summary>
    public const int LogOverhead = 12;

    /// <summary>The only batch format this broker stores.</summary>
    public const byte CurrentMagic = 2;

    internal const int BatchLengthOffset = 8;
    internal const int PartitionLeaderEpochOffset = 12;
    internal const int MagicOffset = 16;
    internal const int CrcOffset = 17;
    internal const int AttributesOffset = 21;
    internal const int LastOffsetDeltaOffset = 23;
    internal const int BaseTimestampOffset = 27;
    internal const int MaxTimestampOffset = 35;
    internal const int ProducerIdOffset = 43;
    internal const int ProducerEpochOffset = 51;
    internal const int BaseSequenceOffset = 53;
    internal const int RecordsCountOffset = 57;

    internal const short CompressionMask = 0x07;
    internal const short TimestampTypeFlag = 0x08;
    internal const short TransactionalFlag = 0x10;
    internal const short ControlFlag = 0x20;

    public long BaseOffset { get; init; }
    public int BatchLength { get; init; }
    public int PartitionLeaderEpoch { get; init; }
    public byte Magic { get; init; }
    public uint Crc { get; init; }
    public short Attributes { get; init; }
    public int LastOffsetDelta { get; init; }
    public long BaseTimestamp { get; init; }
    public long MaxTimestamp { get; init; }
    public long ProducerId { get; init; }
    public short ProducerEpoch { get; init; }
    public int BaseSequence { get; init; }
    public int RecordsCount { get; init; }

    /// <summary>Total bytes of the batch including the 12-byte offset/length prefix.</summary>
    public int TotalSize => BatchLength + LogOverhead;

    /// <summary>Offset of the last record: BaseOffset + LastOffsetDelta.</summary>
    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The offset after this batch.</summary>
    public long NextOffset => LastOffset + 1;

    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);

    public TimestampType TimestampType =>
        (Attributes & TimestampTypeFlag) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Attributes & TransactionalFlag) != 0;

    public bool IsControl => (Attributes & ControlFlag) != 0;

    /// <summary>
    /// Parses the header at the start of <paramref name="batch"/>. Does not check magic or CRC
    /// (see <see cref="RecordBatchValidator"/>).
    /// </summary>
    /// <exception cref="ArgumentException">fewer than <see cref="Size"/> bytes.</exception>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (!TryRead(batch, out RecordBatchHeader header))
        {
            throw new ArgumentException($"A record batch header needs {Size} bytes, got {batch.Length}.", nameof(batch));
        }

        return header;
    }

    /// <summary>Parses the header when at least <see cref="Size"/> bytes are available.</summary>
    public static bool TryRead(ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        if (batch.Length < Size)
        {
            header = default;
            return false;
        }

        header = new RecordBatchHeader
        {
            BaseOffset = BinaryPrimitives.ReadInt64BigEndian(batch),
            BatchLength = BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]),
            PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(batch[PartitionLeaderEpochOffset..]),
            Magic = batch[MagicOffset],
            Crc = BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]),
            Attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]),
            LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]),
            BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[BaseTimestampOffset..]),
            MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[MaxTimestampOffset..]),
            ProducerId = BinaryPrimitives.ReadInt64BigEndian(batch[ProducerIdOffset..]),
            ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(batch[ProducerEpochOffset..]),
            BaseSequence = BinaryPrimitives.ReadInt32BigEndian(batch[BaseSequenceOffset..]),
            RecordsCount = BinaryPrimitives.ReadInt32BigEndian(batch[RecordsCountOffset..]),
        };
        return true;
    }
}
