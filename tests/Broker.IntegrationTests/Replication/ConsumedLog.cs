namespace Broker.IntegrationTests.Replication;

/// <summary>One partition's records as a consumer read them from offset 0 to the high watermark, in read order.</summary>
public sealed record ConsumedLog(int Partition, long HighWatermark, IReadOnlyList<(long Offset, long Value)> Records);
