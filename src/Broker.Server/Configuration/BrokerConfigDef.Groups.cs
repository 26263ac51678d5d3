using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static IEnumerable<ConfigKey> GroupsAndOffsets() =>
    [
        Int("group.initial.rebalance.delay.ms", "3000", AtLeast(0), Medium,
            "How long the coordinator waits for more members before the first rebalance of a new group, in milliseconds. " +
            "0 suits tests and development."),
        Int("group.min.session.timeout.ms", "6000", AtLeast(0), Medium,
            "Smallest session timeout a consumer may ask for, in milliseconds."),
        Int("group.max.session.timeout.ms", "1800000", AtLeast(0), Medium,
            "Largest session timeout a consumer may ask for, in milliseconds."),
        Int("group.max.size", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(1), Medium,
            "Most members one consumer group may have."),
        Int("offsets.topic.num.partitions", "50", AtLeast(1), High,
            "Partitions of __consumer_offsets. Cannot change once the topic exists."),
        Int("offsets.topic.replication.factor", "3", Between(1, short.MaxValue), High,
            "Replication factor of __consumer_offsets. Creating the topic fails until this many brokers are alive; use 1 for a single broker."),
        Int("offsets.topic.segment.bytes", "104857600", AtLeast(1), High,
            "Segment size of __consumer_offsets, in bytes; the log cleaner compacts every segment but the active one, so smaller segments compact sooner. Enforced."),
        Int("offsets.retention.minutes", "10080", AtLeast(1), High,
            "Committed offsets of a group without members are deleted after this many minutes (10080 = 7 days), counted from when the group became empty (from the commit for a group that never had members); a tombstone is written and the cleaner removes it later. Enforced."),
        Long("offsets.retention.check.interval.ms", "600000", AtLeast(1), High,
            "How often expired offsets are looked for, in milliseconds. Enforced."),
        Int("offsets.commit.timeout.ms", "5000", AtLeast(1), High,
            "Longest an offset commit waits for the offsets topic replicas, in milliseconds."),
        Int("offsets.load.buffer.size", "5242880", AtLeast(1), High,
            "Read buffer used when loading __consumer_offsets into the coordinator cache, in bytes."),
        Int("offset.metadata.max.bytes", "4096", null, High,
            "Largest metadata string allowed with an offset commit, in bytes."),
    ];

    private static IEnumerable<ConfigKey> Transactions() =>
    [
        Int("transaction.state.log.replication.factor", "3", Between(1, short.MaxValue), High,
            "Replication factor of __transaction_state. Creating the topic fails until this many brokers are alive; use 1 for a single broker."),
        Int("transaction.state.log.min.isr", "2", AtLeast(1), High,
            "min.insync.replicas of __transaction_state."),
        Int("transaction.state.log.num.partitions", "50", AtLeast(1), High,
            "Partitions of __transaction_state. Cannot change once the topic exists."),
        Int("transaction.state.log.segment.bytes", "104857600", AtLeast(1), High,
            "Segment size of __transaction_state, in bytes."),
        Int("transaction.max.timeout.ms", "900000", AtLeast(1), High,
            "Largest transaction timeout a producer may ask for, in milliseconds."),
        Int("transactional.id.expiration.ms", "604800000", AtLeast(1), High,
            "A transactional id with no activity for this long is forgotten, in milliseconds."),
        Int("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000", AtLeast(1), Low,
            "How often the transaction coordinator looks for transactions past their timeout (and aborts them), in milliseconds."),
        Int("transaction.remove.expired.transaction.cleanup.interval.ms", "3600000", AtLeast(1), Low,
            "How often the transaction coordinator removes transactional ids past transactional.id.expiration.ms, in milliseconds."),
    ];
}
