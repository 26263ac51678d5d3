using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Protocol.Framing;

/// <summary>
/// Splits a byte stream into Kafka frames: int32 big-endian size, then that many bytes.
/// Stateless and thread-safe. A too-large or negative size is reported from the 4 size bytes alone, before the
/// body is buffered, so a hostile size never makes the caller buffer more than <c>maxFrameBytes</c>.
/// </summary>
public static class FrameReader
{
    public const int SizePrefixLength = 4;

    /// <summary>
    /// Tries to take one frame from the front of <paramref name="buffer"/>. On <see cref="FrameStatus.Frame"/>
    /// <paramref name="frame"/> is the body (without the size prefix) and <paramref name="buffer"/> is advanced past
    /// it; for every other status <paramref name="buffer"/> is unchanged and <paramref name="frame"/> is empty.
    /// </summary>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < SizePrefixLength)
        {
            return FrameStatus.NeedMoreData;
        }

        Span<byte> prefix = stackalloc byte[SizePrefixLength];
        buffer.Slice(0, SizePrefixLength).CopyTo(prefix);
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < 0)
        {
            return FrameStatus.NegativeSize;
        }

        if (size > maxFrameBytes)
        {
            return FrameStatus.TooLarge;
        }

        if (buffer.Length - SizePrefixLength < size)
        {
            return FrameStatus.NeedMoreData;
        }

        frame = buffer.Slice(SizePrefixLength, size);
        buffer = buffer.Slice(frame.End);
        return FrameStatus.Frame;
    }

    /// <summary>Reads the declared size from the first 4 bytes, or returns false if fewer are buffered.</summary>
    public static bool TryPeekSize(in ReadOnlySequence<byte> buffer, out int size)
    {
        size = 0;
        if (buffer.Length < SizePrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[SizePrefixLength];
        buffer.Slice(0, SizePrefixLength).CopyTo(prefix);
        size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        return true;
    }
}
