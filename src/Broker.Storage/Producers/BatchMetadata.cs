namespace Broker.Storage.Producers;

/// <summary>Sequence range and offsets of one batch an idempotent producer wrote; used to detect its retries.</summary>
/// <param name="FirstSeq">baseSequence of the batch.</param>
/// <param name="LastSeq">Sequence of its last record (baseSequence + lastOffsetDelta, wrapping past int.MaxValue to 0).</param>
/// <param name="FirstOffset">Log offset of its first record.</param>
/// <param name="LastOffset">Log offset of its last record.</param>
public readonly record struct BatchMetadata(int FirstSeq, int LastSeq, long FirstOffset, long LastOffset)
{
    /// <summary>Sequence of the last record of a batch: sequences wrap from int.MaxValue to 0, as in Kafka.</summary>
    public static int LastSequence(int baseSequence, int lastOffsetDelta) =>
        baseSequence > int.MaxValue - lastOffsetDelta
            ? lastOffsetDelta - (int.MaxValue - baseSequence) - 1
            : baseSequence + lastOffsetDelta;
}
