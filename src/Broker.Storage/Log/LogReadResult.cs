namespace Broker.Storage.Log;

/// <summary>
/// Outcome of <see cref="PartitionLog.Read"/>: whole batches (possibly none) and the log bounds when the read began.
/// Batches appended concurrently may extend past <see cref="LogEndOffset"/>; callers bound reads with maxOffset.
/// </summary>
/// <param name="Records">Whole magic-2 batches in offset order; the first contains or follows the fetch offset.</param>
/// <param name="LogStartOffset">First offset still in the log.</param>
/// <param name="LogEndOffset">The next offset to be assigned.</param>
/// <param name="OffsetOutOfRange">The fetch offset was below LogStartOffset or above LogEndOffset (Kafka error 1).</param>
public readonly record struct LogReadResult(
    ReadOnlyMemory<byte> Records,
    long LogStartOffset,
    long LogEndOffset,
    bool OffsetOutOfRange)
{
    /// <summary>
    /// Set by <see cref="PartitionLog.ReadPooled"/> when bytes were read: the array from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/> that <see cref="Records"/> starts at index 0 of. The caller owns
    /// it and returns it to the pool once done with <see cref="Records"/>. Null otherwise.
    /// </summary>
    public byte[]? RentedArray { get; init; }
}
