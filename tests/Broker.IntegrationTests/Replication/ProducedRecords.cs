using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>A send the cluster acknowledged: value <paramref name="Value"/> is at (partition, offset). Times are ms on the producer's clock.</summary>
public sealed record AckedSend(long Value, int Partition, long Offset, double SentMs, double AckedMs);

/// <summary>A send the producer gave up on (its delivery report carried <paramref name="Code"/>).</summary>
public sealed record FailedSend(long Value, int Partition, ErrorCode Code, string Reason, double SentMs, double FailedMs);

/// <summary>A fault the test injected, at <paramref name="AtMs"/> on the producer's clock.</summary>
public sealed record FaultMark(string What, double AtMs);
