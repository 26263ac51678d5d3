using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Broker.Storage.Log;

/// <summary>
/// Buffered positional reads over a segment file, used to walk batch headers (reads, truncation) and whole batches
/// (recovery) with few system calls. Owns a pooled buffer; dispose to return it. Not thread-safe (one per walk).
/// </summary>
internal sealed class SegmentReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;

    /// <param name="handle">The segment's log file.</param>
    /// <param name="end">Bytes at or past this position are treated as absent (the published size).</param>
    /// <param name="bufferSize">Initial buffer size; grows for batches larger than it.</param>
    public SegmentReader(SafeFileHandle handle, long end, int bufferSize)
    {
        _handle = handle;
        _end = end;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>
    /// Returns <paramref name="count"/> bytes at <paramref name="position"/>, or false when they extend past the end
    /// (a short read).
    /// </summary>
    public bool TryRead(long position, int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (count < 0 || position + count > _end)
        {
            return false;
        }

        if (position < _bufferStart || position + count > _bufferStart + _bufferLength)
        {
            if (count > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(count);
            }

            int want = (int)Math.Min(_buffer.Length, _end - position);
            int filled = 0;
            while (filled < want)
            {
                int n = RandomAccess.Read(_handle, _buffer.AsSpan(filled, want - filled), position + filled);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }

            _bufferStart = position;
            _bufferLength = filled;
            if (filled < count)
            {
                return false;
            }
        }

        bytes = _buffer.AsSpan((int)(position - _bufferStart), count);
        return true;
    }

    /// <summary>
    /// Copies <paramref name="destination"/>.Length bytes at <paramref name="position"/> when the current buffer
    /// already holds all of them (no system call); false otherwise.
    /// </summary>
    public bool TryCopyBuffered(long position, Span<byte> destination)
    {
        if (position < _bufferStart || position + destination.Length > _bufferStart + _bufferLength)
        {
            return false;
        }

        _buffer.AsSpan((int)(position - _bufferStart), destination.Length).CopyTo(destination);
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
