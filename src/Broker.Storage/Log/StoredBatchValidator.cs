using System.Buffers.Binary;
using Broker.Protocol.Records;

namespace Broker.Storage.Log;

/// <summary>
/// Checks a batch already in a log (recovery) or copied from a leader (follower append): framing, magic, CRC-32C and
/// offsets. Unlike the produce check (<see cref="RecordBatchValidator"/>), a compacted batch may hold fewer records
/// than its offset range (the cleaner keeps the original base and last offsets, as Kafka) and may even be empty (an
/// idempotent producer's last batch is kept for its producer state). Stateless and thread-safe.
/// </summary>
internal static class StoredBatchValidator
{
    /// <summary>Validates the batch at the start of <paramref name="data"/>; bytes after it are ignored.</summary>
    public static RecordBatchError ValidateOne(ReadOnlySpan<byte> data, out RecordBatchHeader header)
    {
        header = default;
        if (data.Length < RecordBatchHeader.Size)
        {
            return RecordBatchError.CorruptMessage;
        }

        if (data[16] != RecordBatchHeader.CurrentMagic)
        {
            return RecordBatchError.UnsupportedMagic;
        }

        int batchLength = BinaryPrimitives.ReadInt32BigEndian(data[8..]);
        if (batchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || batchLength > data.Length - RecordBatchHeader.LogOverhead)
        {
            return RecordBatchError.CorruptMessage;
        }

        header = RecordBatchHeader.Read(data);
        if (RecordBatch.ComputeCrc(data[..header.TotalSize]) != header.Crc)
        {
            return RecordBatchError.CorruptMessage;
        }

        return header.RecordsCount < 0 || header.LastOffsetDelta < 0 || header.RecordsCount > header.LastOffsetDelta + 1L
            ? RecordBatchError.InvalidRecord
            : RecordBatchError.None;
    }

    /// <summary>Validates concatenated batches; returns the error of the first bad one, the batch and record counts.</summary>
    public static RecordBatchError Validate(ReadOnlySpan<byte> batches, out int batchCount, out long recordCount)
    {
        batchCount = 0;
        recordCount = 0;
        int position = 0;
        while (position < batches.Length)
        {
            RecordBatchError error = ValidateOne(batches[position..], out RecordBatchHeader header);
            if (error != RecordBatchError.None)
            {
                return error;
            }

            batchCount++;
            recordCount += header.RecordsCount;
            position += header.TotalSize;
        }

        return batchCount == 0 ? RecordBatchError.CorruptMessage : RecordBatchError.None;
    }
}
