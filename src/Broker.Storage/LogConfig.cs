using Broker.Protocol.Records;

namespace Broker.Storage;

/// <summary>
/// Per-partition log settings, named after Kafka's topic configs (broker defaults in brackets are Kafka's).
/// Immutable; swap the whole object on <see cref="Log.PartitionLog.Config"/> to change settings at run time.
/// </summary>
public sealed record LogConfig
{
    /// <summary>segment.bytes [1 GiB]: roll when the next append would not fit.</summary>
    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary>segment.ms [7 days]: roll a non-empty segment this long after its first append.</summary>
    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>retention.ms [7 days]; -1 keeps data forever.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>retention.bytes [-1 = unlimited]: bound on the partition's total size.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>index.interval.bytes [4096]: bytes appended between two sparse offset-index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>segment.index.bytes [10 MiB]: preallocated index size; a full index forces a roll.</summary>
    public int MaxIndexBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>flush.messages [never]: fsync after this many appended records.</summary>
    public long FlushIntervalMessages { get; init; } = long.MaxValue;

    /// <summary>flush.ms [never]: fsync when the last flush is older than this. Durability otherwise comes from
    /// replication and the page cache, as in Kafka.</summary>
    public long FlushIntervalMs { get; init; } = long.MaxValue;

    /// <summary>max.message.bytes [1048588]: largest batch accepted from a producer.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024 + 12;

    /// <summary>message.timestamp.type [CreateTime].</summary>
    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>message.timestamp.difference.max.ms [Long.MAX_VALUE]: under CreateTime, how far (either way) a record
    /// timestamp may lie from the broker clock; produce answers INVALID_TIMESTAMP beyond it.</summary>
    public long MessageTimestampDifferenceMaxMs { get; init; } = long.MaxValue;

    /// <summary>file.delete.delay.ms [60000]: how long deleted segments stay open for in-flight reads.</summary>
    public long FileDeleteDelayMs { get; init; } = 60_000;

    /// <summary>
    /// cleanup.policy contains "delete" [yes]: time and size retention apply, and DeleteRecords is allowed (Kafka
    /// refuses it with POLICY_VIOLATION otherwise).
    /// </summary>
    public bool Delete { get; init; } = true;

    /// <summary>cleanup.policy contains "compact" [no]: the log cleaner keeps the latest record per key.</summary>
    public bool Compact { get; init; }

    /// <summary>delete.retention.ms [1 day]: how long a tombstone survives after the cleaner first kept it.</summary>
    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    /// <summary>min.cleanable.dirty.ratio [0.5]: dirty bytes / total bytes a log needs before it is compacted.</summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    /// <summary>min.compaction.lag.ms [0]: a record younger than this (by its segment's largest timestamp) stays uncompacted.</summary>
    public long MinCompactionLagMs { get; init; }

    /// <summary>max.compaction.lag.ms [never]: a log whose oldest dirty record is older than this is compacted
    /// whatever its dirty ratio; its active segment also rolls at this age.</summary>
    public long MaxCompactionLagMs { get; init; } = long.MaxValue;

    /// <summary>Age at which the active segment rolls: segment.ms, or max.compaction.lag.ms when compacting and smaller
    /// (Kafka's maxSegmentMs), so no record escapes compaction for longer than that.</summary>
    public long MaxSegmentMs => Compact && MaxCompactionLagMs > 0 ? Math.Min(SegmentMs, MaxCompactionLagMs) : SegmentMs;

    /// <summary>Kafka's broker defaults.</summary>
    public static LogConfig Default { get; } = new();
}
