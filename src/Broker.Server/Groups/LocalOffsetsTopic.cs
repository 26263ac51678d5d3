using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Groups;

/// <summary>
/// <c>__consumer_offsets</c> (<see cref="IOffsetsTopic"/>): compacted, <c>offsets.topic.*</c> settings, appends
/// acknowledged by the ISR within offsets.commit.timeout.ms (Kafka's offsets.commit.required.acks = -1), a batch too
/// large answered RECORD_LIST_TOO_LARGE. Thread-safe.
/// </summary>
public sealed class LocalOffsetsTopic(IClusterMetadata cluster, ITopicAdmin admin, ReplicaManager replicas, GroupCoordinatorOptions options, TimeProvider time,
    ILogger<LocalOffsetsTopic> logger) : CoordinatorLogTopic(Spec(options), cluster, admin, replicas, time, logger)
{
    public const string TopicName = "__consumer_offsets";

    private static CoordinatorTopicSpec Spec(GroupCoordinatorOptions options) => new(
        TopicName, options.OffsetsTopicPartitions, options.OffsetsTopicReplicationFactor, "offsets.topic.replication.factor",
        _ => [new("cleanup.policy", "compact"), new("segment.bytes", Invariant(options.OffsetsTopicSegmentBytes)), new("compression.type", "producer")],
        TimeSpan.FromMilliseconds(options.OffsetsCommitTimeoutMs), ErrorCode.RecordListTooLarge);
}
