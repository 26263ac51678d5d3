namespace Broker.Protocol.Records.Compression;

/// <summary>A compressed block declares more decompressed bytes than the batch may hold.</summary>
internal sealed class DecompressedSizeExceededException(long declared, long limit)
    : Exception($"a compressed block declares {declared} bytes, more than the {limit} allowed")
{
}
