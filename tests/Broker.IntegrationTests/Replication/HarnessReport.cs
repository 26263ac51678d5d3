using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// What a scenario produced and what the log holds: the producer's counts and the verifier's findings. Lost: acked
/// values missing from the log; duplicates: extra copies of a value; out of order: a partition's value not greater
/// than the one before it; misplaced: an acked value found at another (partition, offset) than acknowledged;
/// non-increasing offsets: a partition's offset not greater than the one before it. For scenarios where the client
/// re-sends records it is unsure about: copies after ack counts copies of an acked value at a later offset than the
/// acknowledged one; acked out of order counts acked values out of send order when sorted by acknowledged offset.
/// </summary>
public sealed record HarnessReport(
    string Scenario,
    long Sent,
    int Acked,
    int Failed,
    long Unresolved,
    IReadOnlyDictionary<ErrorCode, int> FailuresByCode,
    int Consumed,
    int Lost,
    int Duplicates,
    int OutOfOrder,
    int CopiesAfterAck,
    int AckedOutOfOrder,
    int Misplaced,
    int NonIncreasingOffsets,
    double? FailoverMs,
    string? FatalError,
    IReadOnlyList<string> Examples)
{
    public bool IsClean => Lost == 0 && Duplicates == 0 && OutOfOrder == 0 && Misplaced == 0 && NonIncreasingOffsets == 0 && FatalError is null;

    public override string ToString() =>
        $"[replication] {Scenario}: sent={Sent} acked={Acked} failed={Failed}" +
        (FailuresByCode.Count == 0 ? "" : $" ({string.Join(", ", FailuresByCode.Select(kv => $"{kv.Key}×{kv.Value}"))})") +
        $" unresolved={Unresolved} consumed={Consumed} lost={Lost} duplicates={Duplicates} out-of-order={OutOfOrder}" +
        (Duplicates + OutOfOrder == 0 ? "" : $" (copies after ack={CopiesAfterAck}, acked out of order={AckedOutOfOrder})") +
        $" misplaced={Misplaced} non-increasing-offsets={NonIncreasingOffsets}" +
        $" failover={(FailoverMs is { } f ? $"{f:0} ms" : "n/a")}" +
        (FatalError is null ? "" : $" FATAL: {FatalError}") +
        (Examples.Count == 0 ? "" : "\n  " + string.Join("\n  ", Examples));
}
