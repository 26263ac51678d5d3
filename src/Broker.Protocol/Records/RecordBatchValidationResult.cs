namespace Broker.Protocol.Records;

/// <summary>
/// Summary of a shallow walk over concatenated batches. When <see cref="Error"/> is not None the counts describe the
/// valid prefix only and <see cref="ValidBytes"/> is where the first bad batch starts.
/// </summary>
public readonly record struct RecordBatchValidationResult(
    RecordBatchError Error,
    int BatchCount,
    long RecordCount,
    long MaxTimestamp,
    int ValidBytes)
{
    public bool IsValid => Error == RecordBatchError.None;
}
