namespace Broker.Protocol.Records;

/// <summary>
/// What <see cref="RecordBatchValidator.ValidateRecords"/> checks besides the layout: the decompression budget and the
/// topic's timestamp rules (message.timestamp.type and the before/after windows, Kafka's
/// message.timestamp.difference.max.ms). Immutable.
/// </summary>
/// <param name="MaxDecompressedBytes">Most bytes a compressed batch may decompress to.</param>
/// <param name="TimestampType">The topic's message.timestamp.type; record timestamps are checked only under CreateTime.</param>
/// <param name="NowMs">The broker clock, Unix milliseconds.</param>
/// <param name="TimestampBeforeMaxMs">How far in the past a CreateTime timestamp may lie.</param>
/// <param name="TimestampAfterMaxMs">How far in the future a CreateTime timestamp may lie.</param>
public sealed record RecordValidationOptions(
    long MaxDecompressedBytes,
    TimestampType TimestampType,
    long NowMs,
    long TimestampBeforeMaxMs = long.MaxValue,
    long TimestampAfterMaxMs = long.MaxValue)
{
    /// <summary>
    /// Decompressed bytes a batch may hold per byte of max.message.bytes (64 MiB for the default 1 MiB). Generous
    /// because the Java producer fills batches by an estimated compression ratio, so its uncompressed batches can be
    /// many times batch.size; still a hard bound on the CPU a decompression bomb costs (memory is constant anyway).
    /// </summary>
    public const int DecompressionFactor = 64;

    /// <summary>The options for a topic with <paramref name="maxMessageBytes"/> (max.message.bytes).</summary>
    public static RecordValidationOptions ForTopic(int maxMessageBytes, TimestampType timestampType, long nowMs, long timestampDifferenceMaxMs = long.MaxValue) =>
        new((long)Math.Max(maxMessageBytes, 1) * DecompressionFactor, timestampType, nowMs, timestampDifferenceMaxMs, timestampDifferenceMaxMs);
}
