using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Broker.Protocol.Records;
using K4os.Compression.LZ4.Streams;
using Snappier;

namespace Broker.Protocol.Tests.TestSupport;

/// <summary>
/// Crafts magic-2 batches with any payload, count and attributes (always with a valid CRC, so only the deeper rules
/// can refuse them), hand-encoded records that break one rule each, and the four codecs' encodings. Shared with the
/// integration tests (linked source).
/// </summary>
public static class HostileBatches
{
    public const long Timestamp = 1_700_000_000_000;

    /// <summary>The uncompressed records of an ordinary batch of <paramref name="count"/> records.</summary>
    public static byte[] Records(int count, int valueBytes = 10, long timestamp = Timestamp)
    {
        var builder = new RecordBatchBuilder(timestamp);
        for (int i = 0; i < count; i++)
        {
            builder.Add(Encoding.UTF8.GetBytes("k" + i), Encoding.UTF8.GetBytes(("v" + i).PadRight(valueBytes, '.')), timestamp + i);
        }

        return builder.Build()[RecordBatchHeader.Size..];
    }

    /// <summary>A batch around <paramref name="payload"/> (records as they go on the wire, compressed or not).</summary>
    public static byte[] Batch(byte[] payload, int count, int codecId = 0, int? lastOffsetDelta = null, short flags = 0,
        long baseTimestamp = Timestamp, long? maxTimestamp = null, long producerId = -1, short producerEpoch = -1, int baseSequence = -1)
    {
        var batch = new byte[RecordBatchHeader.Size + payload.Length];
        Span<byte> s = batch;
        BinaryPrimitives.WriteInt32BigEndian(s[8..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(s[12..], -1);
        s[16] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(s[21..], (short)((ushort)codecId | (ushort)flags));
        BinaryPrimitives.WriteInt32BigEndian(s[23..], lastOffsetDelta ?? count - 1);
        BinaryPrimitives.WriteInt64BigEndian(s[27..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(s[35..], maxTimestamp ?? baseTimestamp + Math.Max(0, count - 1));
        BinaryPrimitives.WriteInt64BigEndian(s[43..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(s[51..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(s[53..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(s[57..], count);
        payload.CopyTo(s[RecordBatchHeader.Size..]);
        RecordBatch.WriteCrc(s);
        return batch;
    }

    /// <summary>An ordinary batch of <paramref name="count"/> records compressed with <paramref name="codec"/>.</summary>
    public static byte[] Compressed(CompressionType codec, int count, int valueBytes = 10) =>
        Batch(Compress(codec, Records(count, valueBytes)), count, (int)codec);

    /// <summary>One record, every field given (lengths may lie).</summary>
    public static byte[] Record(int offsetDelta = 0, int keyLength = 1, int valueLength = 1, int headerCount = 0,
        byte[]? tail = null, int? lengthOverride = null, long timestampDelta = 0)
    {
        var body = new List<byte> { 0 };
        body.AddRange(Varlong(timestampDelta));
        body.AddRange(Varint(offsetDelta));
        body.AddRange(Varint(keyLength));
        body.AddRange(new byte[Math.Max(0, keyLength)]);
        body.AddRange(Varint(valueLength));
        body.AddRange(new byte[Math.Max(0, valueLength)]);
        body.AddRange(Varint(headerCount));
        body.AddRange(tail ?? []);
        return [.. Varint(lengthOverride ?? body.Count), .. body];
    }

    public static byte[] Varint(int value)
    {
        var buffer = new byte[RecordVarint.MaxVarintBytes];
        return buffer[..RecordVarint.WriteVarint(buffer, value)];
    }

    public static byte[] Varlong(long value)
    {
        var buffer = new byte[RecordVarint.MaxVarlongBytes];
        return buffer[..RecordVarint.WriteVarlong(buffer, value)];
    }

    /// <summary>
    /// A decompression bomb: one record whose value claims <paramref name="decompressedBytes"/> zero bytes, and those
    /// zeros, compressed.
    /// </summary>
    public static byte[] Bomb(CompressionType codec, int decompressedBytes)
    {
        // attributes, timestamp delta 0, offset delta 0, null key, value length; then the zeros and header count 0.
        byte[] fields = [0, 0, 0, .. Varint(-1), .. Varint(decompressedBytes)];
        int bodyLength = fields.Length + decompressedBytes + 1;
        byte[] length = Varint(bodyLength);
        var raw = new byte[length.Length + bodyLength];
        length.CopyTo(raw, 0);
        fields.CopyTo(raw, length.Length);
        return Batch(Compress(codec, raw), 1, (int)codec);
    }

    public static byte[] Compress(CompressionType codec, byte[] raw) => codec switch
    {
        CompressionType.None => raw,
        CompressionType.Gzip => Gzip(raw),
        CompressionType.Snappy => XerialSnappy(raw),
        CompressionType.Lz4 => Lz4(raw),
        CompressionType.Zstd => new ZstdSharp.Compressor(3).Wrap(raw).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(codec)),
    };

    /// <summary>snappy-java's framing: magic, version 1, compatible version 1, then length-prefixed 32 KiB blocks.</summary>
    public static byte[] XerialSnappy(byte[] raw)
    {
        var output = new MemoryStream();
        output.Write([0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1]);
        for (int at = 0; at < raw.Length; at += 32 * 1024)
        {
            byte[] block = Snappy.CompressToArray(raw.AsSpan(at, Math.Min(32 * 1024, raw.Length - at)));
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, block.Length);
            output.Write(length);
            output.Write(block);
        }

        return output.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    private static byte[] Lz4(byte[] raw)
    {
        var output = new MemoryStream();
        using (var lz4 = LZ4Stream.Encode(output, leaveOpen: true))
        {
            lz4.Write(raw);
        }

        return output.ToArray();
    }
}
