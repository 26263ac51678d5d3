using Broker.Server.Configuration;

namespace Broker.Server.Groups;

/// <summary>The coordinator's settings (Kafka's group.* and offsets.* keys). Immutable. Times are milliseconds.</summary>
public sealed record GroupCoordinatorOptions
{
    public int InitialRebalanceDelayMs { get; init; } = 3000;

    public int MinSessionTimeoutMs { get; init; } = 6000;

    public int MaxSessionTimeoutMs { get; init; } = 1800000;

    public int MaxGroupSize { get; init; } = int.MaxValue;

    public int OffsetsTopicPartitions { get; init; } = 50;

    public short OffsetsTopicReplicationFactor { get; init; } = 3;

    public int OffsetsTopicSegmentBytes { get; init; } = 104857600;

    public long OffsetsRetentionMs { get; init; } = 10080L * 60 * 1000;

    public long OffsetsRetentionCheckIntervalMs { get; init; } = 600000;

    public int OffsetMetadataMaxBytes { get; init; } = 4096;

    /// <summary>offsets.commit.timeout.ms: how long a commit waits for the offsets topic's in-sync replicas.</summary>
    public int OffsetsCommitTimeoutMs { get; init; } = 5000;

    public static GroupCoordinatorOptions From(BrokerConfig config) => new()
    {
        InitialRebalanceDelayMs = Convert.ToInt32(config.Get("group.initial.rebalance.delay.ms")),
        MinSessionTimeoutMs = Convert.ToInt32(config.Get("group.min.session.timeout.ms")),
        MaxSessionTimeoutMs = Convert.ToInt32(config.Get("group.max.session.timeout.ms")),
        MaxGroupSize = Convert.ToInt32(config.Get("group.max.size")),
        OffsetsTopicPartitions = Convert.ToInt32(config.Get("offsets.topic.num.partitions")),
        OffsetsTopicReplicationFactor = Convert.ToInt16(config.Get("offsets.topic.replication.factor")),
        OffsetsTopicSegmentBytes = Convert.ToInt32(config.Get("offsets.topic.segment.bytes")),
        OffsetsRetentionMs = Convert.ToInt64(config.Get("offsets.retention.minutes")) * 60 * 1000,
        OffsetsRetentionCheckIntervalMs = Convert.ToInt64(config.Get("offsets.retention.check.interval.ms")),
        OffsetMetadataMaxBytes = Convert.ToInt32(config.Get("offset.metadata.max.bytes")),
        OffsetsCommitTimeoutMs = Convert.ToInt32(config.Get("offsets.commit.timeout.ms")),
    };
}
