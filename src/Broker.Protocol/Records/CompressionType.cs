namespace Broker.Protocol.Records;

/// <summary>Compression codec of a record batch: bits 0-2 of the batch attributes.</summary>
public enum CompressionType : byte
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}
