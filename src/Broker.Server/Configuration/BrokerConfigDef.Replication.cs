using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static IEnumerable<ConfigKey> Replication() =>
    [
        Int("default.replication.factor", "1", AtLeast(1), Medium,
            "Replicas of a topic created without an explicit replication factor (including auto-created topics)."),
        Int("min.insync.replicas", "1", AtLeast(1), High,
            "With acks=all, a write succeeds only if at least this many replicas are in sync; otherwise the producer gets NOT_ENOUGH_REPLICAS."),
        Int("num.replica.fetchers", "1", AtLeast(1), High,
            "Fetcher threads per source broker that copy records to this broker's follower replicas."),
        Long("replica.lag.time.max.ms", "30000", AtLeast(1), High,
            "A follower that has not caught up with the leader for this long is removed from the ISR, in milliseconds."),
        Long("leader.replication.throttled.rate", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(0), Medium,
            "Bytes per second this broker, as leader, sends to followers of the replicas listed in a topic's " +
            "leader.replication.throttled.replicas while they are out of the ISR (Kafka's dynamic-only throttle, set by " +
            "reassign-partitions --throttle; also accepted here statically)."),
        Long("follower.replication.throttled.rate", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(0), Medium,
            "Bytes per second this broker, as follower, fetches for the replicas listed in a topic's " +
            "follower.replication.throttled.replicas while they are out of the ISR (Kafka's dynamic-only throttle, set by " +
            "reassign-partitions --throttle; also accepted here statically)."),
        Int("replica.fetch.max.bytes", "1048576", AtLeast(0), Medium,
            "Bytes a follower asks for per partition in one fetch (a larger first batch is still returned)."),
        Int("replica.fetch.min.bytes", "1", AtLeast(1), High,
            "Bytes a follower fetch waits for before the leader answers."),
        Int("replica.fetch.wait.max.ms", "500", AtLeast(0), High,
            "Longest a follower fetch waits on the leader, in milliseconds; keep it below replica.lag.time.max.ms."),
        Int("replica.socket.timeout.ms", "30000", null, High,
            "Socket timeout of follower fetch requests, in milliseconds."),
        Long("replica.high.watermark.checkpoint.interval.ms", "5000", AtLeast(1), High,
            "How often high watermarks are saved to disk, in milliseconds."),
        Bool("unclean.leader.election.enable", "false", High,
            "Allow a replica outside the ISR to become leader when no ISR member is alive. This can lose acknowledged data."),
        Bool("auto.leader.rebalance.enable", "true", High,
            "Move leadership back to each partition's preferred replica when the imbalance is too high."),
        Long("leader.imbalance.check.interval.seconds", "300", AtLeast(1), High,
            "How often the controller checks leader imbalance, in seconds."),
        Int("leader.imbalance.per.broker.percentage", "10", Between(0, 100), High,
            "Share of partitions led by a broker other than their preferred leader that triggers a rebalance, in percent."),
        Bool("controlled.shutdown.enable", "true", Medium,
            "On shutdown, ask the controller to move leadership away first, so clients see less unavailability."),
        Int("controlled.shutdown.max.retries", "3", AtLeast(0), Medium,
            "Attempts of a controlled shutdown before shutting down uncleanly."),
        Long("controlled.shutdown.retry.backoff.ms", "5000", AtLeast(0), Medium,
            "Wait between controlled shutdown attempts, in milliseconds."),
        Int("controller.socket.timeout.ms", "30000", AtLeast(0), Medium,
            "Socket timeout of controller-to-broker requests, in milliseconds."),
    ];
}
