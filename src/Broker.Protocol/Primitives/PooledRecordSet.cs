using System.Buffers;

namespace Broker.Protocol;

/// <summary>
/// A <see cref="RecordSet"/> whose bytes sit at the start of an array rented from <see cref="ArrayPool{T}.Shared"/>
/// (e.g. a fetch read), so serving a fetch allocates no large array. Ownership: whoever holds the response disposes it
/// once the bytes have been written (copied into the output pipe); <see cref="RecordSet.Memory"/> must not be read
/// after that. Dispose is idempotent and thread-safe; forgetting it only costs the pool a buffer (the GC frees it).
/// </summary>
public sealed class PooledRecordSet : RecordSet, IDisposable
{
    private byte[]? _rented;

    /// <param name="rented">An array from <see cref="ArrayPool{T}.Shared"/>; this instance now owns it.</param>
    /// <param name="length">Bytes of records at the start of <paramref name="rented"/>.</param>
    public PooledRecordSet(byte[] rented, int length)
        : base(rented.AsMemory(0, length))
    {
        _rented = rented;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref _rented, null);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
