using Broker.Protocol.Records.Compression;
using Broker.Protocol.Records.Validation;

namespace Broker.Protocol.Records;

public static partial class RecordBatchValidator
{
    /// <summary>
    /// Deep validation of one batch from a client, as Kafka's LogValidator: the codec is known, the producer did not
    /// claim LogAppendTime, and the records (decompressed in a stream, keys and values skipped) match the header and
    /// the record layout (see <see cref="RecordWalker"/>), with CreateTime timestamps in the topic's window. Run after
    /// <see cref="ValidateOne"/> (framing and CRC) on a batch that passed it. Allocates nothing for an uncompressed
    /// batch; a compressed one costs one decoder and a pooled buffer whatever its payload claims. Thread-safe.
    /// </summary>
    /// <param name="batch">Exactly one whole batch.</param>
    /// <param name="options">Decompression budget and timestamp rules.</param>
    /// <param name="maxTimestamp">Largest record timestamp found (-1 when none), valid when None is returned.</param>
    /// <param name="message">Why the batch was refused, for the produce response's error message.</param>
    /// <returns>None, InvalidRecord, InvalidTimestamp or RecordTooLarge (decompresses beyond the budget).</returns>
    public static RecordBatchError ValidateRecords(ReadOnlyMemory<byte> batch, RecordValidationOptions options, out long maxTimestamp, out string? message)
    {
        maxTimestamp = -1;
        RecordBatchHeader header = RecordBatchHeader.Read(batch.Span);
        if ((int)header.Compression > (int)CompressionType.Zstd)
        {
            message = $"unknown compression type id {(int)header.Compression}";
            return RecordBatchError.InvalidRecord;
        }

        if (header.TimestampType == TimestampType.LogAppendTime)
        {
            message = "producers should not set the timestamp type to LogAppendTime";
            return RecordBatchError.InvalidTimestamp;
        }

        TimestampRule? rule = options.TimestampType == TimestampType.CreateTime
            && (options.TimestampBeforeMaxMs != long.MaxValue || options.TimestampAfterMaxMs != long.MaxValue)
            ? new TimestampRule(options.NowMs, options.TimestampBeforeMaxMs, options.TimestampAfterMaxMs)
            : null;
        ReadOnlyMemory<byte> records = batch[RecordBatchHeader.Size..header.TotalSize];
        if (header.Compression == CompressionType.None)
        {
            var input = new SpanRecordInput(records.Span);
            return RecordWalker.Walk(ref input, header, rule, out maxTimestamp, out message);
        }

        return WalkCompressed(records, header, options.MaxDecompressedBytes, rule, out maxTimestamp, out message);
    }

    private static RecordBatchError WalkCompressed(ReadOnlyMemory<byte> records, in RecordBatchHeader header, long budget, TimestampRule? rule, out long maxTimestamp, out string? message)
    {
        maxTimestamp = -1;
        StreamRecordInput? input = null;
        try
        {
            using Stream stream = RecordDecompression.Open(header.Compression, records, budget);
            input = new StreamRecordInput(stream, budget);
            RecordBatchError error = RecordWalker.Walk(ref input, header, rule, out maxTimestamp, out message);
            if (input.OverLimit)
            {
                message = $"the {header.Compression} payload decompresses to more than {budget} bytes";
                return RecordBatchError.RecordTooLarge;
            }

            return error;
        }
        catch (DecompressedSizeExceededException e)
        {
            message = $"the {header.Compression} payload: {e.Message}";
            return RecordBatchError.RecordTooLarge;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any decoder failure (each library has its own exception types) means the payload is not valid data of its
            // codec; the CRC matched, so the client built it so and a retry cannot help.
            message = $"the {header.Compression} payload cannot be decompressed: {e.Message}";
            return RecordBatchError.InvalidRecord;
        }
        finally
        {
            input?.Dispose();
        }
    }
}
