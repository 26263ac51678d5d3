using System.Buffers;

namespace Broker.Protocol.Records.Validation;

/// <summary>
/// Records of a compressed batch, pulled from a decompressing stream through one pooled 16 KiB buffer: skipped keys
/// and values are read into that buffer and dropped, so memory stays constant whatever the payload claims. At most
/// <c>maxBytes</c> decompressed bytes are read; one more sets <see cref="OverLimit"/> and ends the input (a
/// decompression bomb costs bounded CPU and no memory). Not thread-safe; dispose to return the buffer.
/// </summary>
internal sealed class StreamRecordInput(Stream stream, long maxBytes) : IRecordInput, IDisposable
{
    private const int BufferSize = 16 * 1024;

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private long _position;
    private long _read;

    /// <summary>The payload decompresses to more than the allowed bytes.</summary>
    public bool OverLimit { get; private set; }

    public long Position => _position;

    public bool TryReadByte(out byte value)
    {
        if (_start == _end && !Fill())
        {
            value = 0;
            return false;
        }

        value = _buffer![_start++];
        _position++;
        return true;
    }

    public bool TrySkip(int count)
    {
        while (count > 0)
        {
            if (_start == _end && !Fill())
            {
                return false;
            }

            int n = Math.Min(count, _end - _start);
            _start += n;
            _position += n;
            count -= n;
        }

        return true;
    }

    public bool AtEnd() => _start == _end && !Fill();

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Fill()
    {
        if (OverLimit)
        {
            return false;
        }

        // Ask for one byte beyond the limit at most, so a payload exactly at the limit is still accepted.
        int want = (int)Math.Min(BufferSize, maxBytes - _read + 1);
        int n = stream.Read(_buffer!, 0, want);
        _start = 0;
        _end = n;
        _read += n;
        if (_read > maxBytes)
        {
            OverLimit = true;
            _end = 0;
            return false;
        }

        return n > 0;
    }
}
