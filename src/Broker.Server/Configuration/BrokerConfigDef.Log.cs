using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static IEnumerable<ConfigKey> LogBasics() =>
    [
        List("log.dirs", null, NonEmpty, High,
            "Directories where partition logs are stored, comma-separated. When set it wins over log.dir. A dir failing with an I/O error "
            + "takes only its own partitions offline (their leadership moves to other brokers); the broker halts when all its dirs failed."),
        Str("log.dir", "/tmp/kafka-logs", NonEmpty, High,
            "The single log directory used when log.dirs is not set."),
        Int("num.partitions", "1", AtLeast(1), Medium,
            "Partitions of a topic created without an explicit count (including auto-created topics)."),
        Int("num.recovery.threads.per.data.dir", "1", AtLeast(1), High,
            "Threads per log directory that recover logs at startup and flush them at shutdown."),
        Int("log.segment.bytes", "1073741824", AtLeast(14), High,
            "Size at which a log segment is closed and a new one started, in bytes."),
        Int("log.roll.hours", "168", AtLeast(1), High,
            "Age at which a segment is rolled even if not full, in hours. log.roll.ms wins when set."),
        Long("log.roll.ms", null, AtLeast(1), Medium,
            "Age at which a segment is rolled, in milliseconds. Unset means log.roll.hours."),
        Int("log.index.interval.bytes", "4096", AtLeast(0), Medium,
            "Bytes of records between two offset-index entries; smaller means denser indexes and shorter scans."),
        Int("log.index.size.max.bytes", "10485760", AtLeast(4), Medium,
            "Largest offset or time index file, in bytes; a full index rolls the segment."),
        Str("log.message.timestamp.type", "CreateTime", OneOf("CreateTime", "LogAppendTime"), Medium,
            "Which timestamp records keep: the producer's (CreateTime) or the broker's append time (LogAppendTime)."),
        Long("log.segment.delete.delay.ms", "60000", AtLeast(0), Medium,
            "Delay between removing a segment from the log and deleting its files, in milliseconds."),
    ];

    private static IEnumerable<ConfigKey> LogFlush() =>
    [
        Long("log.flush.interval.messages", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(1), High,
            "Messages appended to a partition before it is fsynced. The default leaves flushing to the OS; " +
            "durability comes from replication."),
        Long("log.flush.interval.ms", null, AtLeast(0), High,
            "Longest time a message may stay unflushed, in milliseconds. Unset means log.flush.scheduler.interval.ms."),
        Long("log.flush.scheduler.interval.ms", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), null, High,
            "How often the flusher checks whether a log needs flushing, in milliseconds."),
        Int("log.flush.offset.checkpoint.interval.ms", "60000", AtLeast(0), High,
            "How often the recovery-point checkpoint of each log directory is written, in milliseconds."),
        Int("log.flush.start.offset.checkpoint.interval.ms", "60000", AtLeast(0), High,
            "How often the log-start-offset checkpoint of each log directory (log starts raised by DeleteRecords) is " +
            "written, in milliseconds; it is also written at shutdown."),
    ];

    private static IEnumerable<ConfigKey> LogRetention() =>
    [
        Int("log.retention.hours", "168", AtLeast(-1), High,
            "Keep closed segments this many hours (168 = 7 days). log.retention.minutes and log.retention.ms win when set. " +
            "-1 means no time limit."),
        Int("log.retention.minutes", null, AtLeast(-1), High,
            "Keep closed segments this many minutes. Wins over log.retention.hours; log.retention.ms wins over it. -1 means no time limit."),
        Long("log.retention.ms", null, AtLeast(-1), High,
            "Keep closed segments this many milliseconds. Wins over log.retention.minutes and log.retention.hours. -1 means no time limit."),
        Long("log.retention.bytes", "-1", null, High,
            "Delete the oldest segments while a partition is bigger than this, in bytes. -1 means no size limit."),
        Long("log.retention.check.interval.ms", "300000", AtLeast(1), Medium,
            "How often segments are checked against the retention limits, in milliseconds."),
        List("log.cleanup.policy", "delete", OneOf("delete", "compact"), Medium,
            "What happens to old segments: delete them by retention.ms/retention.bytes, compact them by key (the log cleaner keeps " +
            "the latest record of each key), or both. With compact alone, retention deletes nothing. Enforced."),
        Bool("log.cleaner.enable", "true", Medium,
            "Run the log cleaner, which compacts topics whose cleanup policy includes compact (__consumer_offsets among them). Enforced."),
        Int("log.cleaner.threads", "1", AtLeast(0), Medium,
            "Threads that compact logs, each cleaning one log at a time, the dirtiest first. 0 disables cleaning. Enforced."),
        Double("log.cleaner.min.cleanable.ratio", "0.5", Between(0.0, 1.0), Medium,
            "Smallest share of a log that must be uncompacted (dirty) before it is compacted; topic override min.cleanable.dirty.ratio. Enforced."),
        Long("log.cleaner.delete.retention.ms", "86400000", AtLeast(0), Medium,
            "How long a tombstone (null-value record) is kept after the cleaner first kept it, in milliseconds (KIP-534 delete " +
            "horizon); topic override delete.retention.ms. Enforced."),
        Long("log.cleaner.min.compaction.lag.ms", "0", AtLeast(0), Medium,
            "Shortest time a record stays uncompacted, in milliseconds (by its segment's largest timestamp); topic override " +
            "min.compaction.lag.ms. Enforced."),
        Long("log.cleaner.max.compaction.lag.ms", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(1), Medium,
            "Longest time a record stays uncompacted, in milliseconds: older dirty records make the log cleanable whatever its " +
            "dirty ratio, and the active segment of a compacted log rolls at this age; topic override max.compaction.lag.ms. Enforced."),
        Long("log.cleaner.backoff.ms", "15000", AtLeast(0), Medium,
            "How long a cleaner thread sleeps when no log needs cleaning, in milliseconds. Enforced."),
        Long("log.cleaner.dedupe.buffer.size", "134217728", null, Medium,
            "Memory for the key → offset maps of all cleaner threads together, in bytes (24 bytes per key). A log with more " +
            "dirty keys than fit is cleaned in several passes. Enforced."),
        Int("log.cleaner.io.buffer.size", "524288", AtLeast(0), Medium,
            "Read and write buffer memory of all cleaner threads together, in bytes. Enforced."),
        Double("log.cleaner.io.buffer.load.factor", "0.9", Between(0.01, 1.0), Medium,
            "Share of the dedupe map's slots that may be filled before a cleaning pass stops. Enforced."),
        Double("log.cleaner.io.max.bytes.per.second", double.MaxValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture), null, Medium,
            "Limit on the bytes the cleaner threads read plus write per second, together. Enforced."),
    ];
}
