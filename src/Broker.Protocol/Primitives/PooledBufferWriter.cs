using System.Buffers;

namespace Broker.Protocol;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> backed by <see cref="ArrayPool{T}.Shared"/>, used to build frames.
/// Written bytes stay valid until the next write that grows the buffer, <see cref="Reset"/> or <see cref="Dispose"/>.
/// Not thread-safe. Dispose returns the array to the pool; using the writer afterwards throws.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int DefaultInitialCapacity = 256;

    private byte[]? _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = DefaultInitialCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));
    }

    /// <summary>Number of bytes written since construction or the last <see cref="Reset"/>.</summary>
    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => Buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _written);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferWriter));

    /// <summary>Forgets the written bytes but keeps the rented array for reuse.</summary>
    public void Reset() => _written = 0;

    /// <summary>Overwrites 4 already-written bytes at <paramref name="offset"/>, e.g. to patch a size prefix.</summary>
    public void PatchInt32BigEndian(int offset, int value)
    {
        if ((uint)offset > (uint)(_written - 4))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "Offset must address 4 written bytes.");
        }

        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(offset, 4), value);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Buffer.Length - _written)
        {
            throw new InvalidOperationException("Cannot advance past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return Buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return Buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        _written = 0;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureCapacity(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var buffer = Buffer;
        var needed = Math.Max(sizeHint, 1);
        if (buffer.Length - _written >= needed)
        {
            return;
        }

        var newSize = (int)Math.Min(Array.MaxLength, Math.Max((long)buffer.Length * 2, (long)_written + needed));
        if (newSize - _written < needed)
        {
            throw new OutOfMemoryException("PooledBufferWriter cannot grow beyond Array.MaxLength.");
        }

        var larger = ArrayPool<byte>.Shared.Rent(newSize);
        buffer.AsSpan(0, _written).CopyTo(larger);
        _buffer = larger;
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
