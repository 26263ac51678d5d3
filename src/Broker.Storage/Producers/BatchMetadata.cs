namespace Broker.Storage.Producers;

/// <summary>Sequence range, offsets and records fingerprint of one batch an idempotent producer wrote; used to detect its retries.</summary>
/// <param name="FirstSeq">baseSequence of the batch.</param>
/// <param name="LastSeq">Sequence of its last record (baseSequence + lastOffsetDelta, wrapping past int.MaxValue to 0).</param>
/// <param name="FirstOffset">Log offset of its first record.</param>
/// <param name="LastOffset">Log offset of its last record.</param>
/// <param name="RecordsCrc">
/// CRC-32C of the batch's records section (see <see cref="RecordsFingerprint"/>), or null when unknown (state from a
/// version-1 snapshot). A true retry carries the same records, so it matches even when the client re-encoded the
/// header with new timestamps.
/// </param>
public readonly record struct BatchMetadata(int FirstSeq, int LastSeq, long FirstOffset, long LastOffset, uint? RecordsCrc = null)
{
    /// <summary>Sequence of the last record of a batch: sequences wrap from int.MaxValue to 0, as in Kafka.</summary>
    public static int LastSequence(int baseSequence, int lastOffsetDelta) =>
        baseSequence > int.MaxValue - lastOffsetDelta
            ? lastOffsetDelta - (int.MaxValue - baseSequence) - 1
            : baseSequence + lastOffsetDelta;

    /// <summary>
    /// True when a batch with this sequence range and records CRC <paramref name="recordsCrc"/> is certainly not a
    /// retry of this one: both CRCs are known and differ. An unknown CRC keeps the old rule (same range = retry).
    /// </summary>
    public bool HasDifferentContent(uint recordsCrc) => RecordsCrc is uint known && known != recordsCrc;
}
