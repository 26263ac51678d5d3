using Broker.Protocol.Records;

namespace Broker.Storage.Log;

/// <summary>
/// Outcome of <see cref="PartitionLog.Append"/>. On error nothing was written and the offsets are -1.
/// </summary>
/// <param name="Error">Validation failure, or None.</param>
/// <param name="BaseOffset">Offset assigned to the first record.</param>
/// <param name="LastOffset">Offset of the last record appended.</param>
/// <param name="LogAppendTime">Broker time (ms) stamped on the batches under LogAppendTime, else -1.</param>
/// <param name="RecordCount">Records appended (sum of the batches' recordsCount).</param>
/// <param name="BatchCount">Batches appended.</param>
/// <param name="LogStartOffset">Log start offset after the append.</param>
public readonly record struct LogAppendResult(
    RecordBatchError Error,
    long BaseOffset,
    long LastOffset,
    long LogAppendTime,
    long RecordCount,
    int BatchCount,
    long LogStartOffset)
{
    public bool IsSuccess => Error == RecordBatchError.None;

    /// <summary>Why the append was refused, for the client (Produce v8+ errorMessage); null when the code says it all.</summary>
    public string? ErrorMessage { get; init; }

    internal static LogAppendResult Failed(RecordBatchError error, long logStartOffset) =>
        new(error, -1, -1, -1, 0, 0, logStartOffset);
}
