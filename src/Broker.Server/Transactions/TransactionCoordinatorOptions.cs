using Broker.Server.Configuration;

namespace Broker.Server.Transactions;

/// <summary>The transaction coordinator's settings (Kafka's transaction.* keys). Immutable. Times are milliseconds.</summary>
public sealed record TransactionCoordinatorOptions
{
    public int StateLogPartitions { get; init; } = 50;

    public short StateLogReplicationFactor { get; init; } = 3;

    public int StateLogMinIsr { get; init; } = 2;

    public int StateLogSegmentBytes { get; init; } = 104857600;

    public int MaxTimeoutMs { get; init; } = 900000;

    public long TransactionalIdExpirationMs { get; init; } = 604800000;

    public long AbortTimedOutIntervalMs { get; init; } = 10000;

    public long RemoveExpiredIntervalMs { get; init; } = 3600000;

    /// <summary>How long a write to __transaction_state waits for its in-sync replicas (Kafka: request.timeout.ms).</summary>
    public int WriteTimeoutMs { get; init; } = 5000;

    public static TransactionCoordinatorOptions From(BrokerConfig config) => new()
    {
        StateLogPartitions = config.TransactionStateLogNumPartitions,
        StateLogReplicationFactor = config.TransactionStateLogReplicationFactor,
        StateLogMinIsr = config.TransactionStateLogMinIsr,
        StateLogSegmentBytes = config.TransactionStateLogSegmentBytes,
        MaxTimeoutMs = config.TransactionMaxTimeoutMs,
        TransactionalIdExpirationMs = config.TransactionalIdExpirationMs,
        AbortTimedOutIntervalMs = Convert.ToInt64(config.Get("transaction.abort.timed.out.transaction.cleanup.interval.ms")),
        RemoveExpiredIntervalMs = Convert.ToInt64(config.Get("transaction.remove.expired.transaction.cleanup.interval.ms")),
    };
}
