using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using Snappier;
using ZstdSharp;

namespace Broker.Protocol.Records.Compression;

/// <summary>
/// Compresses a batch's serialized records with one of Kafka's codecs, in the framings Kafka's clients read: gzip
/// (RFC 1952), snappy in the xerial snappy-java framing (magic, version 1, compatible version 1, then 32 KiB blocks
/// each prefixed by its big-endian length, as the Java producer writes), lz4 in the LZ4 frame format with independent
/// 64 KiB blocks and no checksums (as Kafka's KafkaLZ4BlockOutputStream) and zstd at level 3 (Kafka's default).
/// Levels are each codec's default, as Kafka's cleaner uses when it rebuilds a batch. Pure computation on bytes in
/// memory (sans I/O). Thread-safe (each call makes its own encoder).
/// </summary>
internal static class RecordCompression
{
    /// <summary>Block size of the xerial snappy framing (snappy-java's default).</summary>
    internal const int SnappyBlockSize = 32 * 1024;

    private static ReadOnlySpan<byte> SnappyHeader => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];

    /// <summary>Appends the compressed form of <paramref name="records"/> to <paramref name="output"/>.</summary>
    public static void Compress(CompressionType compression, ReadOnlySpan<byte> records, IBufferWriter<byte> output)
    {
        switch (compression)
        {
            case CompressionType.Gzip:
                WriteThrough(output, records, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));
                break;
            case CompressionType.Snappy:
                CompressSnappy(records, output);
                break;
            case CompressionType.Lz4:
                var settings = new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = false, ContentChecksum = false, BlockChecksum = false };
                WriteThrough(output, records, s => LZ4Stream.Encode(s, settings, leaveOpen: true));
                break;
            case CompressionType.Zstd:
                using (var compressor = new Compressor(3))
                {
                    Span<byte> target = output.GetSpan(Compressor.GetCompressBound(records.Length));
                    output.Advance(compressor.Wrap(records, target));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(compression), compression, "no encoder for this codec");
        }
    }

    private static void CompressSnappy(ReadOnlySpan<byte> records, IBufferWriter<byte> output)
    {
        output.Write(SnappyHeader);
        while (!records.IsEmpty)
        {
            ReadOnlySpan<byte> block = records[..Math.Min(SnappyBlockSize, records.Length)];
            records = records[block.Length..];
            Span<byte> target = output.GetSpan(4 + Snappy.GetMaxCompressedLength(block.Length));
            int length = Snappy.Compress(block, target[4..]);
            BinaryPrimitives.WriteInt32BigEndian(target, length);
            output.Advance(4 + length);
        }
    }

    private static void WriteThrough(IBufferWriter<byte> output, ReadOnlySpan<byte> records, Func<Stream, Stream> encoder)
    {
        using var sink = new BufferWriterStream(output);
        using (Stream stream = encoder(sink))
        {
            stream.Write(records);
        }
    }

    /// <summary>A write-only stream appending to a buffer writer.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => output.Write(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
