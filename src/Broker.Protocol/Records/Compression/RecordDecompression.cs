using System.IO.Compression;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4.Streams;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Broker.Protocol.Records.Compression;

/// <summary>
/// Opens a streaming decoder over a batch's compressed records, as Kafka's log validator reads them: gzip
/// (System.IO.Compression), snappy (xerial framing or plain, Snappier), lz4 (the LZ4 frame format, K4os) and zstd
/// (ZstdSharp). Every decoder works with bounded memory: gzip's 32 KiB window, lz4 blocks of at most 4 MiB, zstd
/// windows of at most 2^<see cref="MaxZstdWindowLog"/> bytes, snappy blocks of at most the decompression budget.
/// Decompression is pure computation on bytes already in memory, so it lives here in the sans-I/O protocol layer with
/// the record format it decodes. Thread-safe (each call makes its own decoder).
/// </summary>
internal static class RecordDecompression
{
    /// <summary>
    /// Largest zstd window accepted (16 MiB): covers every standard level (level 19 uses 8 MiB); the ultra levels
    /// 20-22 with larger windows are refused rather than let a hostile frame ask for 128 MiB or more.
    /// </summary>
    public const int MaxZstdWindowLog = 24;

    /// <summary>A decoder reading <paramref name="payload"/>; dispose it after use.</summary>
    /// <param name="compression">A codec other than None (ids 1 to 4).</param>
    /// <param name="payload">The bytes after the batch header.</param>
    /// <param name="maxDecompressedBytes">Budget snappy checks block by block (other codecs are bounded by the reader).</param>
    public static Stream Open(CompressionType compression, ReadOnlyMemory<byte> payload, long maxDecompressedBytes)
    {
        switch (compression)
        {
            case CompressionType.Gzip:
                return new GZipStream(AsStream(payload), CompressionMode.Decompress);
            case CompressionType.Snappy:
                return new XerialSnappyStream(payload, maxDecompressedBytes);
            case CompressionType.Lz4:
                return LZ4Stream.Decode(AsStream(payload), new LZ4DecoderSettings(), leaveOpen: false);
            case CompressionType.Zstd:
                var zstd = new DecompressionStream(AsStream(payload), leaveOpen: false);
                zstd.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, MaxZstdWindowLog);
                return zstd;
            default:
                throw new ArgumentOutOfRangeException(nameof(compression), compression, "no decoder for this codec");
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
}
