using System.Buffers.Binary;

namespace Broker.Protocol.Records;

/// <summary>
/// Shallow validation of magic-2 batches as they arrive from a producer or are read back from disk: framing, magic,
/// CRC-32C, record count against lastOffsetDelta and size. Never decompresses or parses records, so its cost is one
/// CRC pass over the bytes. Stateless and thread-safe.
/// </summary>
public static partial class RecordBatchValidator
{
    /// <summary>Smallest legal batchLength: a header with zero records.</summary>
    private const int MinBatchLength = RecordBatchHeader.Size - RecordBatchHeader.LogOverhead;

    /// <summary>
    /// Validates every batch in <paramref name="batches"/>, which must be whole batches back to back (trailing
    /// bytes are an error).
    /// </summary>
    /// <param name="batches">One or more concatenated batches.</param>
    /// <param name="maxBatchBytes">Largest allowed total batch size (Kafka's max.message.bytes).</param>
    /// <param name="result">Counts of the valid prefix and the first error.</param>
    /// <param name="verifyCrc">
    /// false only when the caller already checked each batch's CRC-32C (<see cref="ValidateOne"/> on these very bytes)
    /// and changed nothing it covers since: the produce path checks it before the log, which then skips the second
    /// pass over every byte.
    /// </param>
    /// <returns>true when all bytes form valid batches (and there is at least one).</returns>
    public static bool Validate(ReadOnlySpan<byte> batches, int maxBatchBytes, out RecordBatchValidationResult result, bool verifyCrc = true)
    {
        int position = 0;
        int count = 0;
        long records = 0;
        long maxTimestamp = -1;
        RecordBatchError error = batches.IsEmpty ? RecordBatchError.CorruptMessage : RecordBatchError.None;
        while (position < batches.Length)
        {
            error = ValidateOne(batches[position..], maxBatchBytes, out RecordBatchHeader header, verifyCrc);
            if (error != RecordBatchError.None)
            {
                break;
            }

            count++;
            records += header.RecordsCount;
            maxTimestamp = Math.Max(maxTimestamp, header.MaxTimestamp);
            position += header.TotalSize;
        }

        result = new RecordBatchValidationResult(error, count, records, maxTimestamp, position);
        return error == RecordBatchError.None;
    }

    /// <summary>
    /// Validates the batch at the start of <paramref name="data"/> (bytes after it are ignored) and returns its header;
    /// the CRC-32C pass (the only cost proportional to the batch's size) is skipped when <paramref name="verifyCrc"/> is
    /// false (see <see cref="Validate"/>).
    /// </summary>
    public static RecordBatchError ValidateOne(ReadOnlySpan<byte> data, int maxBatchBytes, out RecordBatchHeader header, bool verifyCrc = true)
    {
        header = default;
        if (data.Length < RecordBatchHeader.LogOverhead + 5)
        {
            return RecordBatchError.CorruptMessage;
        }

        // The magic byte decides how the rest is laid out, so it is checked before the other fields.
        if (data[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
        {
            return RecordBatchError.UnsupportedMagic;
        }

        int batchLength = BinaryPrimitives.ReadInt32BigEndian(data[RecordBatchHeader.BatchLengthOffset..]);
        if (batchLength < MinBatchLength || batchLength > data.Length - RecordBatchHeader.LogOverhead)
        {
            return RecordBatchError.CorruptMessage;
        }

        header = RecordBatchHeader.Read(data);
        if (header.TotalSize > maxBatchBytes)
        {
            return RecordBatchError.RecordTooLarge;
        }

        ReadOnlySpan<byte> batch = data[..header.TotalSize];
        if (verifyCrc && RecordBatch.ComputeCrc(batch) != header.Crc)
        {
            return RecordBatchError.CorruptMessage;
        }

        if (header.RecordsCount <= 0 || header.LastOffsetDelta < 0 || header.RecordsCount != header.LastOffsetDelta + 1L)
        {
            return RecordBatchError.InvalidRecord;
        }

        return RecordBatchError.None;
    }
}
