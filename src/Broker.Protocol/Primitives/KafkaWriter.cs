using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Broker.Protocol;

/// <summary>
/// Writes Kafka wire types (big-endian) to an <see cref="IBufferWriter{T}"/>.
/// A ref struct (no allocation; pass it by <c>ref</c>) so generated <c>Write(ref KafkaWriter, short)</c> methods can
/// be called on hot paths; tagged fields, whose size must precede them, are staged in a pooled scratch buffer.
/// Not thread-safe, like the buffer writer it wraps. <see cref="BytesWritten"/> counts bytes written through it.
/// </summary>
public ref struct KafkaWriter
{
    private readonly IBufferWriter<byte> _output;
    private long _bytesWritten;

    public KafkaWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _bytesWritten = 0;
    }

    public readonly IBufferWriter<byte> Output => _output;

    public readonly long BytesWritten => _bytesWritten;

    public void WriteInt8(sbyte value)
    {
        _output.GetSpan(1)[0] = (byte)value;
        Advance(1);
    }

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteFloat64(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    public void WriteBool(bool value) => WriteInt8(value ? (sbyte)1 : (sbyte)0);

    public void WriteUuid(KafkaUuid value)
    {
        value.WriteBytes(_output.GetSpan(16));
        Advance(16);
    }

    public void WriteUnsignedVarInt(uint value)
    {
        var span = _output.GetSpan(5);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Advance(i);
    }

    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    public void WriteVarLong(long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        var span = _output.GetSpan(10);
        var i = 0;
        while (raw >= 0x80)
        {
            span[i++] = (byte)(raw | 0x80);
            raw >>= 7;
        }

        span[i++] = (byte)raw;
        Advance(i);
    }

    /// <summary>Writes a non-null string; null is written as "" (the schema has no null in this version).</summary>
    public void WriteString(string? value, bool compact) => WriteNullableString(value ?? string.Empty, compact);

    public void WriteNullableString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, classicInt16: true);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        if (!compact && length > short.MaxValue)
        {
            throw new ProtocolException($"String of {length} bytes exceeds the int16 length limit.");
        }

        WriteLength(length, compact, classicInt16: true);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        Advance(length);
    }

    public void WriteBytes(ReadOnlySpan<byte> value, bool compact)
    {
        WriteLength(value.Length, compact, classicInt16: false);
        WriteRaw(value);
    }

    public void WriteNullableBytes(ReadOnlyMemory<byte>? value, bool compact)
    {
        if (value is not { } bytes)
        {
            WriteLength(-1, compact, classicInt16: false);
            return;
        }

        WriteBytes(bytes.Span, compact);
    }

    /// <summary>RECORDS: nullable bytes whose content is produced by <see cref="RecordSet.WriteTo"/>.</summary>
    public void WriteRecords(RecordSet? records, bool compact)
    {
        if (records is null)
        {
            WriteLength(-1, compact, classicInt16: false);
            return;
        }

        var length = records.Length;
        WriteLength(length, compact, classicInt16: false);
        records.WriteTo(_output);
        _bytesWritten += length;
    }

    /// <summary>Array count: classic int32 (-1 null) or compact uvarint count+1 (0 null).</summary>
    public void WriteArrayLength(int count, bool compact)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, -1);
        if (compact)
        {
            WriteUnsignedVarInt((uint)(count + 1));
        }
        else
        {
            WriteInt32(count);
        }
    }

    /// <summary>An empty tagged-field buffer: the single byte 0.</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarInt(0);

    /// <summary>One tagged field: uvarint tag, uvarint size, then the already-encoded value.</summary>
    public void WriteTaggedField(uint tag, ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt(tag);
        WriteUnsignedVarInt((uint)value.Length);
        WriteRaw(value);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _bytesWritten += bytes.Length;
    }

    private void WriteLength(int length, bool compact, bool classicInt16)
    {
        if (compact)
        {
            WriteUnsignedVarInt((uint)(length + 1));
        }
        else if (classicInt16)
        {
            WriteInt16((short)length);
        }
        else
        {
            WriteInt32(length);
        }
    }

    private void Advance(int count)
    {
        _output.Advance(count);
        _bytesWritten += count;
    }
}
