using System.Buffers.Binary;
using Broker.Protocol.Records;

namespace Broker.Storage.Producers;

/// <summary>
/// Binary format of a producer state snapshot (our own, big-endian):
/// magic "PSNP" (4) | version int16 | crc32c uint32 of everything after it | entry count int32 | entries.
/// Entry: producerId int64 | epoch int16 | lastTimestamp int64 | batch count uint8 | batches, oldest first.
/// Batch, version 1: firstSeq int32 | lastSeq int32 | firstOffset int64 | lastOffset int64.
/// Batch, version 2 (written now): the same, then hasCrc uint8 (0 or 1) | records crc32c uint32 (0 when hasCrc is 0).
/// Version 3 (written now) adds after each entry's batch count: coordinatorEpoch int32 | currentTxnFirstOffset int64
/// (-1: no open transaction) | lastMarkerOffset int64, so open transactions survive a restart (Kafka's snapshot has
/// currentTxnFirstOffset and coordinatorEpoch too); batches as in version 2.
/// Versions 1 and 2 still load (no open transactions), with every batch CRC unknown (retries then match on sequence range alone).
/// A file that is short, has another magic or version, a bad CRC or trailing bytes is rejected as a whole.
/// </summary>
internal static class ProducerSnapshotFile
{
    private const uint Magic = 0x50534E50;
    private const short Version1 = 1;
    private const short Version2 = 2;
    private const short Version = 3;
    private const int TxnFieldsSize = 4 + 8 + 8;
    private const int HeaderSize = 4 + 2 + 4 + 4;
    private const int CrcStart = 10;
    private const int EntryFixedSize = 8 + 2 + 8 + 1;
    private const int BatchSizeV1 = 4 + 4 + 8 + 8;
    private const int BatchSize = BatchSizeV1 + 1 + 4;

    public static byte[] Serialize(IReadOnlyCollection<ProducerStateEntry> entries)
    {
        int size = HeaderSize;
        foreach (ProducerStateEntry entry in entries)
        {
            size += EntryFixedSize + TxnFieldsSize + (entry.Batches.Count * BatchSize);
        }

        byte[] data = new byte[size];
        Span<byte> span = data;
        BinaryPrimitives.WriteUInt32BigEndian(span, Magic);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], Version);
        BinaryPrimitives.WriteInt32BigEndian(span[10..], entries.Count);
        int at = HeaderSize;
        foreach (ProducerStateEntry entry in entries)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[at..], entry.ProducerId);
            BinaryPrimitives.WriteInt16BigEndian(span[(at + 8)..], entry.ProducerEpoch);
            BinaryPrimitives.WriteInt64BigEndian(span[(at + 10)..], entry.LastTimestamp);
            span[at + 18] = (byte)entry.Batches.Count;
            at += EntryFixedSize;
            BinaryPrimitives.WriteInt32BigEndian(span[at..], entry.CoordinatorEpoch);
            BinaryPrimitives.WriteInt64BigEndian(span[(at + 4)..], entry.CurrentTxnFirstOffset);
            BinaryPrimitives.WriteInt64BigEndian(span[(at + 12)..], entry.LastMarkerOffset);
            at += TxnFieldsSize;
            foreach (BatchMetadata batch in entry.Batches)
            {
                BinaryPrimitives.WriteInt32BigEndian(span[at..], batch.FirstSeq);
                BinaryPrimitives.WriteInt32BigEndian(span[(at + 4)..], batch.LastSeq);
                BinaryPrimitives.WriteInt64BigEndian(span[(at + 8)..], batch.FirstOffset);
                BinaryPrimitives.WriteInt64BigEndian(span[(at + 16)..], batch.LastOffset);
                span[at + 24] = batch.RecordsCrc.HasValue ? (byte)1 : (byte)0;
                BinaryPrimitives.WriteUInt32BigEndian(span[(at + 25)..], batch.RecordsCrc ?? 0);
                at += BatchSize;
            }
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[6..], Crc32C.Compute(span[CrcStart..]));
        return data;
    }

    /// <summary>Parses a snapshot; false when it is not a complete, intact file of this format.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, List<ProducerStateEntry> entries)
    {
        entries.Clear();
        if (data.Length < HeaderSize
            || BinaryPrimitives.ReadUInt32BigEndian(data) != Magic
            || BinaryPrimitives.ReadInt16BigEndian(data[4..]) is not (Version1 or Version2 or Version)
            || BinaryPrimitives.ReadUInt32BigEndian(data[6..]) != Crc32C.Compute(data[CrcStart..]))
        {
            return false;
        }

        short version = BinaryPrimitives.ReadInt16BigEndian(data[4..]);
        bool hasCrcs = version >= Version2;
        bool hasTxn = version >= Version;
        int batchSize = hasCrcs ? BatchSize : BatchSizeV1;

        int count = BinaryPrimitives.ReadInt32BigEndian(data[10..]);
        int at = HeaderSize;
        for (int i = 0; i < count; i++)
        {
            if (data.Length - at < EntryFixedSize)
            {
                return false;
            }

            var entry = new ProducerStateEntry(BinaryPrimitives.ReadInt64BigEndian(data[at..]), BinaryPrimitives.ReadInt16BigEndian(data[(at + 8)..]));
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(data[(at + 10)..]);
            int batches = data[at + 18];
            at += EntryFixedSize;
            if (hasTxn)
            {
                if (data.Length - at < TxnFieldsSize)
                {
                    return false;
                }

                entry.CoordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
                entry.CurrentTxnFirstOffset = BinaryPrimitives.ReadInt64BigEndian(data[(at + 4)..]);
                entry.LastMarkerOffset = BinaryPrimitives.ReadInt64BigEndian(data[(at + 12)..]);
                at += TxnFieldsSize;
            }

            if (batches > ProducerStateEntry.BatchesToRetain || data.Length - at < batches * batchSize)
            {
                return false;
            }

            for (int b = 0; b < batches; b++)
            {
                var batch = new BatchMetadata(
                    BinaryPrimitives.ReadInt32BigEndian(data[at..]),
                    BinaryPrimitives.ReadInt32BigEndian(data[(at + 4)..]),
                    BinaryPrimitives.ReadInt64BigEndian(data[(at + 8)..]),
                    BinaryPrimitives.ReadInt64BigEndian(data[(at + 16)..]),
                    ReadCrc(data[at..], hasCrcs));
                entry.AddBatch(entry.ProducerEpoch, batch, timestamp);
                at += batchSize;
            }

            entries.Add(entry);
        }

        return at == data.Length;
    }

    /// <summary>The CRC stored in a version-2 batch record (null when flagged absent); always null for version 1.</summary>
    private static uint? ReadCrc(ReadOnlySpan<byte> batch, bool hasCrcs) =>
        hasCrcs && batch[24] != 0 ? BinaryPrimitives.ReadUInt32BigEndian(batch[25..]) : null;
}
