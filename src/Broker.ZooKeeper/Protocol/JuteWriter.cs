using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Broker.ZooKeeper.Protocol;

/// <summary>
/// Writes one length-prefixed jute frame (big-endian integers, int-length-prefixed UTF-8 strings and buffers,
/// -1 length for null) into an array rented from <see cref="ArrayPool{T}.Shared"/>.
/// The first four bytes are reserved for the frame length and filled in by <see cref="Complete"/>.
/// Not thread-safe; one writer builds one frame.
/// </summary>
internal sealed class JuteWriter
{
    private byte[] _buffer;
    private int _position;

    public JuteWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));
        _position = 4;
    }

    /// <summary>Bytes written so far including the 4-byte length prefix.</summary>
    public int Length => _position;

    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        _position += 4;
    }

    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        _position += 8;
    }

    public void WriteBool(bool value)
    {
        Reserve(1)[0] = value ? (byte)1 : (byte)0;
        _position += 1;
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteInt(byteCount);
        Encoding.UTF8.GetBytes(value, Reserve(byteCount));
        _position += byteCount;
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        value.CopyTo(Reserve(value.Length));
        _position += value.Length;
    }

    public void WriteNullBuffer() => WriteInt(-1);

    public void WriteStringVector(IReadOnlyCollection<string> values)
    {
        WriteInt(values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    /// <summary>Overwrites a big-endian int at an absolute offset (used to patch the xid).</summary>
    public void PatchInt(int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(offset, 4), value);

    /// <summary>Writes the length prefix and hands ownership of the rented array to the caller.</summary>
    public (byte[] Buffer, int Length) Complete()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer, _position - 4);
        var result = (_buffer, _position);
        _buffer = [];
        return result;
    }

    private Span<byte> Reserve(int count)
    {
        if (_position + count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
            _buffer.AsSpan(0, _position).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        return _buffer.AsSpan(_position, count);
    }
}
