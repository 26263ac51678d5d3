namespace Broker.Protocol.Records.Validation;

/// <summary>
/// Forward-only bytes of a batch's records: the batch itself (uncompressed) or a decompressing stream. The record
/// walk in <see cref="RecordWalker"/> is written once against this interface and instantiated for both (a
/// <c>ref struct</c> over a span on the hot uncompressed path, a pooled-buffer reader for compressed payloads).
/// </summary>
internal interface IRecordInput
{
    /// <summary>Bytes consumed so far.</summary>
    long Position { get; }

    /// <summary>Reads one byte; false at the end of the input.</summary>
    bool TryReadByte(out byte value);

    /// <summary>Skips <paramref name="count"/> bytes without keeping them; false when the input ends first.</summary>
    bool TrySkip(int count);

    /// <summary>True when no byte follows (a stream is read once more to find out).</summary>
    bool AtEnd();
}
