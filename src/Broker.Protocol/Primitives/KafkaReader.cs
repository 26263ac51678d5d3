using System.Buffers.Binary;
using System.Text;

namespace Broker.Protocol;

/// <summary>
/// Reads Kafka wire types (big-endian) from one contiguous frame.
/// Invariant: every declared length or count is checked against <see cref="Remaining"/> before anything is
/// allocated (an array of N elements needs at least N bytes), so hostile counts cannot make memory grow;
/// violations throw <see cref="ProtocolException"/>. Bytes, records and tagged values are returned as slices
/// of the frame (no copy), valid as long as the frame's buffer is. A ref struct: pass it by <c>ref</c>.
/// </summary>
public ref struct KafkaReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        _position = 0;
    }

    /// <summary>Bytes consumed from the start of the frame.</summary>
    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>Any non-zero byte is true, as in Kafka.</summary>
    public bool ReadBool() => Take(1)[0] != 0;

    public KafkaUuid ReadUuid() => KafkaUuid.FromBytes(Take(16));

    /// <summary>Protobuf-style unsigned varint (no zigzag), at most 5 bytes, must fit 32 bits.</summary>
    public uint ReadUnsignedVarInt()
    {
        uint value = 0;
        for (var shift = 0; shift <= 28; shift += 7)
        {
            var b = Take(1)[0];
            if (shift == 28 && b > 0x0F)
            {
                throw new ProtocolException("Unsigned varint does not fit in 32 bits.");
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new ProtocolException("Unsigned varint is longer than 5 bytes.");
    }

    /// <summary>Zigzag-encoded signed 32-bit varint (record batches).</summary>
    public int ReadVarInt()
    {
        var raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Zigzag-encoded signed 64-bit varint, at most 10 bytes.</summary>
    public long ReadVarLong()
    {
        ulong raw = 0;
        for (var shift = 0; shift <= 63; shift += 7)
        {
            var b = Take(1)[0];
            if (shift == 63 && b > 0x01)
            {
                throw new ProtocolException("Varlong does not fit in 64 bits.");
            }

            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }

        throw new ProtocolException("Varlong is longer than 10 bytes.");
    }

    /// <summary>A non-null string: classic int16 length, or compact uvarint length+1.</summary>
    public string ReadString(bool compact) =>
        ReadNullableString(compact) ?? throw new ProtocolException("Non-nullable string was null.");

    public string? ReadNullableString(bool compact)
    {
        var length = compact ? CompactLength() : ReadInt16();
        if (length < 0)
        {
            return length == -1 ? null : throw new ProtocolException($"Invalid string length {length}.");
        }

        try
        {
            return StrictUtf8.GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw new ProtocolException("String is not valid UTF-8.", e);
        }
    }

    public ReadOnlyMemory<byte> ReadBytes(bool compact) =>
        ReadNullableBytes(compact) ?? throw new ProtocolException("Non-nullable bytes were null.");

    /// <summary>Classic int32 length or compact uvarint length+1; -1 / 0 mean null. Returns a slice of the frame.</summary>
    public ReadOnlyMemory<byte>? ReadNullableBytes(bool compact)
    {
        var length = compact ? CompactLength() : ReadInt32();
        if (length < 0)
        {
            return length == -1 ? null : throw new ProtocolException($"Invalid bytes length {length}.");
        }

        return TakeMemory(length);
    }

    /// <summary>RECORDS: nullable bytes wrapped in a <see cref="RecordSet"/> over a slice of the frame.</summary>
    public RecordSet? ReadRecords(bool compact)
    {
        var bytes = ReadNullableBytes(compact);
        return bytes is { } b ? new RecordSet(b) : null;
    }

    /// <summary>
    /// Array element count (classic int32, compact uvarint count+1); -1 for null. Throws if the count exceeds
    /// <see cref="Remaining"/>, since every element occupies at least one byte.
    /// </summary>
    public int ReadArrayLength(bool compact)
    {
        var count = compact ? CompactLength() : ReadInt32();
        if (count < -1)
        {
            throw new ProtocolException($"Invalid array length {count}.");
        }

        if (count > Remaining)
        {
            throw new ProtocolException($"Array of {count} elements cannot fit in the {Remaining} remaining bytes.");
        }

        return count;
    }

    /// <summary>Reads the count of a tagged-field buffer (each field is at least 2 bytes).</summary>
    public int ReadTaggedFieldCount()
    {
        var count = ReadUnsignedVarInt();
        if (count > (uint)Remaining / 2)
        {
            throw new ProtocolException($"{count} tagged fields cannot fit in the {Remaining} remaining bytes.");
        }

        return (int)count;
    }

    /// <summary>Reads one tagged field's tag and size; the size is checked against <see cref="Remaining"/>.</summary>
    public void ReadTaggedFieldHeader(out uint tag, out int size)
    {
        tag = ReadUnsignedVarInt();
        var raw = ReadUnsignedVarInt();
        if (raw > (uint)Remaining)
        {
            throw new ProtocolException($"Tagged field {tag} of {raw} bytes exceeds the {Remaining} remaining bytes.");
        }

        size = (int)raw;
    }

    /// <summary>Skips a whole tagged-field buffer (used where no tags are known).</summary>
    public void SkipTaggedFields()
    {
        var count = ReadTaggedFieldCount();
        for (var i = 0; i < count; i++)
        {
            ReadTaggedFieldHeader(out _, out var size);
            Skip(size);
        }
    }

    /// <summary>Returns the raw bytes of one tagged field as a slice of the frame.</summary>
    public ReadOnlyMemory<byte> ReadTaggedFieldValue(int size) => TakeMemory(size);

    /// <summary>Checks that a known tagged field consumed exactly its declared size.</summary>
    public readonly void EnsurePosition(int expected)
    {
        if (_position != expected)
        {
            throw new ProtocolException($"Tagged field ended at {_position}, expected {expected}.");
        }
    }

    public void Skip(int count) => Take(count);

    /// <summary>Returns the unread rest of the frame without consuming it.</summary>
    public readonly ReadOnlyMemory<byte> PeekRemaining() => _memory[_position..];

    private int CompactLength()
    {
        var raw = ReadUnsignedVarInt();
        if (raw > int.MaxValue)
        {
            throw new ProtocolException($"Compact length {raw} is too large.");
        }

        return (int)raw - 1;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw new ProtocolException($"Need {count} bytes at position {_position} but only {Remaining} remain.");
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    private ReadOnlyMemory<byte> TakeMemory(int count)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw new ProtocolException($"Need {count} bytes at position {_position} but only {Remaining} remain.");
        }

        var slice = _memory.Slice(_position, count);
        _position += count;
        return slice;
    }
}
