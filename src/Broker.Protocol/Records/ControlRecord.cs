using System.Buffers.Binary;

namespace Broker.Protocol.Records;

/// <summary>
/// Transaction markers (Kafka's EndTransactionMarker): a control batch (attributes control + transactional) holding
/// one record whose key is version int16 (0) + type int16 (0 abort, 1 commit) and whose value is version int16 (0) +
/// coordinator epoch int32, all big-endian. Marker batches carry the producer id and epoch of the transaction they
/// end, base sequence -1, and are never compressed.
/// </summary>
public static class ControlRecord
{
    /// <summary>Control record type of an abort marker.</summary>
    public const short AbortType = 0;

    /// <summary>Control record type of a commit marker.</summary>
    public const short CommitType = 1;

    /// <summary>Builds a marker batch at base offset 0 (the log assigns the real one) with timestamp <paramref name="timestampMs"/>.</summary>
    public static byte[] BuildMarker(long producerId, short producerEpoch, int coordinatorEpoch, bool commit, long timestampMs)
    {
        byte[] key = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(key, 0);
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), commit ? CommitType : AbortType);
        byte[] value = new byte[6];
        BinaryPrimitives.WriteInt16BigEndian(value, 0);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(2), coordinatorEpoch);
        return new RecordBatchBuilder(timestampMs)
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = -1,
            IsTransactional = true,
            IsControl = true,
        }.Add(key, value).Build();
    }

    /// <summary>
    /// Reads the marker of a control batch from its first bytes (<paramref name="batch"/> may be cut after the first
    /// record). False when the batch is not an uncompressed control batch whose first record has a 4-byte key.
    /// <paramref name="coordinatorEpoch"/> is -1 when the value is absent or short.
    /// </summary>
    public static bool TryReadMarker(ReadOnlySpan<byte> batch, out short type, out int coordinatorEpoch)
    {
        type = -1;
        coordinatorEpoch = -1;
        if (batch.Length < RecordBatchHeader.Size)
        {
            return false;
        }

        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        if (!header.IsControl || header.Compression != CompressionType.None || header.RecordsCount < 1)
        {
            return false;
        }

        ReadOnlySpan<byte> r = batch[RecordBatchHeader.Size..];
        if (!RecordVarint.TryReadVarint(r, out _, out int n)) return false;
        r = r[n..];
        if (r.Length < 1) return false;
        r = r[1..]; // attributes
        if (!RecordVarint.TryReadVarlong(r, out _, out n)) return false;
        r = r[n..];
        if (!RecordVarint.TryReadVarint(r, out _, out n)) return false;
        r = r[n..];
        if (!RecordVarint.TryReadVarint(r, out int keyLength, out n) || keyLength < 4) return false;
        r = r[n..];
        if (r.Length < keyLength) return false;
        type = BinaryPrimitives.ReadInt16BigEndian(r[2..]);
        r = r[keyLength..];
        if (RecordVarint.TryReadVarint(r, out int valueLength, out n) && valueLength >= 6 && r.Length >= n + 6)
        {
            coordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(r[(n + 2)..]);
        }

        return true;
    }
}
