using System.Buffers;
using Broker.Protocol.Records.Compression;

namespace Broker.Protocol.Records;

/// <summary>
/// Decompresses and compresses the records part of a magic-2 batch (everything after its 61-byte header) for broker
/// components that rewrite batches (the log cleaner). Thread-safe.
/// </summary>
public static class RecordCodec
{
    /// <summary>Appends the decompressed records of <paramref name="payload"/> to <paramref name="output"/>.</summary>
    /// <param name="compression">The batch's codec (not None).</param>
    /// <param name="payload">The batch's bytes after its header.</param>
    /// <param name="maxBytes">Most decompressed bytes accepted.</param>
    /// <exception cref="InvalidDataException">the payload is not valid data of its codec or exceeds <paramref name="maxBytes"/>.</exception>
    public static void Decompress(CompressionType compression, ReadOnlyMemory<byte> payload, long maxBytes, ArrayBufferWriter<byte> output)
    {
        try
        {
            using Stream stream = RecordDecompression.Open(compression, payload, maxBytes);
            long total = 0;
            while (true)
            {
                Span<byte> target = output.GetSpan(64 * 1024);
                int read = stream.Read(target);
                if (read == 0)
                {
                    return;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw new InvalidDataException($"the {compression} payload decompresses to more than {maxBytes} bytes");
                }

                output.Advance(read);
            }
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException and not ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"the {compression} payload cannot be decompressed: {e.Message}", e);
        }
    }

    /// <summary>Appends <paramref name="records"/> compressed with <paramref name="compression"/> (not None) to <paramref name="output"/>.</summary>
    public static void Compress(CompressionType compression, ReadOnlySpan<byte> records, IBufferWriter<byte> output) =>
        RecordCompression.Compress(compression, records, output);
}
