namespace Broker.Storage.Log;

/// <summary>Broker-level storage settings (Kafka's log.dirs, broker.id and the log scheduler intervals).</summary>
public sealed record LogManagerOptions
{
    /// <summary>log.dirs: one or more directories; new partitions go to the one holding the fewest.</summary>
    public required IReadOnlyList<string> LogDirs { get; init; }

    /// <summary>broker.id, written to each dir's meta.properties.</summary>
    public required int BrokerId { get; init; }

    /// <summary>Cluster id for meta.properties, when known.</summary>
    public string? ClusterId { get; init; }

    /// <summary>Settings of logs created or loaded without explicit ones.</summary>
    public LogConfig DefaultConfig { get; init; } = LogConfig.Default;

    /// <summary>log.retention.check.interval.ms [300000].</summary>
    public long RetentionCheckIntervalMs { get; init; } = 300_000;

    /// <summary>log.flush.scheduler.interval.ms: how often flush.ms is checked (Kafka's default is never; ours 1 s).</summary>
    public long FlushCheckIntervalMs { get; init; } = 1_000;

    /// <summary>log.flush.offset.checkpoint.interval.ms [60000]: recovery-point checkpoint cadence.</summary>
    public long RecoveryPointCheckpointIntervalMs { get; init; } = 60_000;

    /// <summary>log.flush.start.offset.checkpoint.interval.ms [60000]: log-start checkpoint cadence.</summary>
    public long LogStartOffsetCheckpointIntervalMs { get; init; } = 60_000;

    /// <summary>log.cleaner.*: the log cleaner that compacts logs with cleanup.policy=compact.</summary>
    public Cleaner.CleanerOptions Cleaner { get; init; } = new();

    /// <summary>Splits a comma-separated log.dirs value.</summary>
    public static IReadOnlyList<string> ParseLogDirs(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
