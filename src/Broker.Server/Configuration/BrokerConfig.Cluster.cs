namespace Broker.Server.Configuration;

// Typed views of the replication, ZooKeeper, group, offsets, transaction and security settings.
public sealed partial class BrokerConfig
{
    // --- Replication and leadership

    public int DefaultReplicationFactor => Value<int>("default.replication.factor");

    public int MinInsyncReplicas => Value<int>("min.insync.replicas");

    public int NumReplicaFetchers => Value<int>("num.replica.fetchers");

    public long ReplicaLagTimeMaxMs => Value<long>("replica.lag.time.max.ms");

    public int ReplicaFetchMaxBytes => Value<int>("replica.fetch.max.bytes");

    public int ReplicaFetchMinBytes => Value<int>("replica.fetch.min.bytes");

    public int ReplicaFetchWaitMaxMs => Value<int>("replica.fetch.wait.max.ms");

    public int ReplicaSocketTimeoutMs => Value<int>("replica.socket.timeout.ms");

    public long ReplicaHighWatermarkCheckpointIntervalMs => Value<long>("replica.high.watermark.checkpoint.interval.ms");

    public bool UncleanLeaderElectionEnable => Value<bool>("unclean.leader.election.enable");

    public bool AutoLeaderRebalanceEnable => Value<bool>("auto.leader.rebalance.enable");

    /// <summary>Period of the cluster-metadata reconcile (ZooKeeper mode), in milliseconds; 0 = off.</summary>
    public long MetadataReconcileIntervalMs => Value<long>("broker.metadata.reconcile.interval.ms");

    public long LeaderImbalanceCheckIntervalSeconds => Value<long>("leader.imbalance.check.interval.seconds");

    public int LeaderImbalancePerBrokerPercentage => Value<int>("leader.imbalance.per.broker.percentage");

    public bool ControlledShutdownEnable => Value<bool>("controlled.shutdown.enable");

    public int ControlledShutdownMaxRetries => Value<int>("controlled.shutdown.max.retries");

    public long ControlledShutdownRetryBackoffMs => Value<long>("controlled.shutdown.retry.backoff.ms");

    public int ControllerSocketTimeoutMs => Value<int>("controller.socket.timeout.ms");

    // --- ZooKeeper

    /// <summary><c>zookeeper.connect</c> (validated syntax); null when not set.</summary>
    public string? ZookeeperConnect => (string?)Get("zookeeper.connect");

    public int ZookeeperSessionTimeoutMs => Value<int>("zookeeper.session.timeout.ms");

    /// <summary><c>zookeeper.connection.timeout.ms</c>, else the session timeout.</summary>
    public int ZookeeperConnectionTimeoutMs =>
        Optional<int>("zookeeper.connection.timeout.ms") ?? ZookeeperSessionTimeoutMs;

    public int ZookeeperMaxInFlightRequests => Value<int>("zookeeper.max.in.flight.requests");

    public bool ZookeeperSetAcl => Value<bool>("zookeeper.set.acl");

    // --- Group coordinator and offsets

    public int GroupInitialRebalanceDelayMs => Value<int>("group.initial.rebalance.delay.ms");

    public int GroupMinSessionTimeoutMs => Value<int>("group.min.session.timeout.ms");

    public int GroupMaxSessionTimeoutMs => Value<int>("group.max.session.timeout.ms");

    public int GroupMaxSize => Value<int>("group.max.size");

    public int OffsetsTopicNumPartitions => Value<int>("offsets.topic.num.partitions");

    public short OffsetsTopicReplicationFactor => (short)Value<int>("offsets.topic.replication.factor");

    public int OffsetsTopicSegmentBytes => Value<int>("offsets.topic.segment.bytes");

    public int OffsetsRetentionMinutes => Value<int>("offsets.retention.minutes");

    /// <summary><c>offsets.retention.minutes</c> in milliseconds.</summary>
    public long OffsetsRetentionMs => OffsetsRetentionMinutes * 60_000L;

    public long OffsetsRetentionCheckIntervalMs => Value<long>("offsets.retention.check.interval.ms");

    public int OffsetsCommitTimeoutMs => Value<int>("offsets.commit.timeout.ms");

    public int OffsetsLoadBufferSize => Value<int>("offsets.load.buffer.size");

    public int OffsetMetadataMaxBytes => Value<int>("offset.metadata.max.bytes");

    // --- Transactions

    public short TransactionStateLogReplicationFactor => (short)Value<int>("transaction.state.log.replication.factor");

    public int TransactionStateLogMinIsr => Value<int>("transaction.state.log.min.isr");

    public int TransactionStateLogNumPartitions => Value<int>("transaction.state.log.num.partitions");

    public int TransactionStateLogSegmentBytes => Value<int>("transaction.state.log.segment.bytes");

    public int TransactionMaxTimeoutMs => Value<int>("transaction.max.timeout.ms");

    public int TransactionalIdExpirationMs => Value<int>("transactional.id.expiration.ms");

    // --- Security

    public string? SslKeystoreLocation => (string?)Get("ssl.keystore.location");

    public PasswordValue? SslKeystorePassword => (PasswordValue?)Get("ssl.keystore.password");

    public PasswordValue? SslKeyPassword => (PasswordValue?)Get("ssl.key.password");

    public string? SslTruststoreLocation => (string?)Get("ssl.truststore.location");

    public PasswordValue? SslTruststorePassword => (PasswordValue?)Get("ssl.truststore.password");

    /// <summary><c>required</c>, <c>requested</c> or <c>none</c>.</summary>
    public string SslClientAuth => Value<string>("ssl.client.auth");

    public IReadOnlyList<string> SaslEnabledMechanisms => Value<IReadOnlyList<string>>("sasl.enabled.mechanisms");

    public string SaslMechanismInterBrokerProtocol => Value<string>("sasl.mechanism.inter.broker.protocol");
}
