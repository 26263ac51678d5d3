namespace Broker.Protocol.Records;

/// <summary>
/// Zigzag varint / varlong as used inside magic-2 records (protobuf style: 7 bits per byte, low group first).
/// </summary>
public static class RecordVarint
{
    /// <summary>Longest encoding of a 32-bit value.</summary>
    public const int MaxVarintBytes = 5;

    /// <summary>Longest encoding of a 64-bit value.</summary>
    public const int MaxVarlongBytes = 10;

    /// <summary>Writes <paramref name="value"/> zigzag-encoded; returns bytes written.</summary>
    public static int WriteVarint(Span<byte> destination, int value) =>
        WriteUnsigned(destination, (uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes <paramref name="value"/> zigzag-encoded; returns bytes written.</summary>
    public static int WriteVarlong(Span<byte> destination, long value) =>
        WriteUnsigned(destination, (ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Encoded size of <paramref name="value"/>.</summary>
    public static int SizeOfVarint(int value) => SizeOfUnsigned((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Encoded size of <paramref name="value"/>.</summary>
    public static int SizeOfVarlong(long value) => SizeOfUnsigned((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Reads a zigzag varint; false when the data is truncated or longer than 5 bytes.</summary>
    public static bool TryReadVarint(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        if (TryReadUnsigned(source, MaxVarintBytes, out ulong raw, out bytesRead) && raw <= uint.MaxValue)
        {
            uint u = (uint)raw;
            value = (int)(u >> 1) ^ -(int)(u & 1);
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Reads a zigzag varlong; false when the data is truncated or longer than 10 bytes.</summary>
    public static bool TryReadVarlong(ReadOnlySpan<byte> source, out long value, out int bytesRead)
    {
        if (TryReadUnsigned(source, MaxVarlongBytes, out ulong raw, out bytesRead))
        {
            value = (long)(raw >> 1) ^ -(long)(raw & 1);
            return true;
        }

        value = 0;
        return false;
    }

    private static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static int SizeOfUnsigned(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static bool TryReadUnsigned(ReadOnlySpan<byte> source, int maxBytes, out ulong value, out int bytesRead)
    {
        value = 0;
        for (int i = 0; i < maxBytes && i < source.Length; i++)
        {
            byte b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                bytesRead = i + 1;
                return true;
            }
        }

        bytesRead = 0;
        return false;
    }
}
