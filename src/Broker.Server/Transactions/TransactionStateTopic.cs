using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Transactions;

/// <summary>
/// <c>__transaction_state</c> (<see cref="ITransactionStateTopic"/>): compacted, <c>transaction.state.log.*</c>
/// settings (min.insync.replicas capped at the replication factor used, unclean election off, uncompressed), appends
/// acknowledged by the ISR (Kafka writes transaction state with acks=-1), a batch too large answered
/// UNKNOWN_SERVER_ERROR as Kafka's transaction log does. Thread-safe.
/// </summary>
public sealed class TransactionStateTopic(IClusterMetadata cluster, ITopicAdmin admin, ReplicaManager replicas, TransactionCoordinatorOptions options,
    TimeProvider time, ILogger<TransactionStateTopic> logger) : CoordinatorLogTopic(Spec(options), cluster, admin, replicas, time, logger), ITransactionStateTopic
{
    public const string TopicName = "__transaction_state";

    private static CoordinatorTopicSpec Spec(TransactionCoordinatorOptions options) => new(
        TopicName, options.StateLogPartitions, options.StateLogReplicationFactor, "transaction.state.log.replication.factor",
        replication =>
        [
            new("cleanup.policy", "compact"),
            new("segment.bytes", Invariant(options.StateLogSegmentBytes)),
            new("min.insync.replicas", Invariant(Math.Min(options.StateLogMinIsr, replication))),
            new("unclean.leader.election.enable", "false"),
            new("compression.type", "uncompressed"),
        ],
        TimeSpan.FromMilliseconds(options.WriteTimeoutMs), ErrorCode.UnknownServerError);
}
