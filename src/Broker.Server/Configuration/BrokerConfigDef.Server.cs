using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static IEnumerable<ConfigKey> ServerBasics() =>
    [
        Int("broker.id", "-1", AtLeast(-1), High,
            "This broker's id; must be unique in the cluster. -1 means not set."),
        Str("broker.rack", null, null, Medium,
            "The rack (or availability zone) of this broker, used to spread replicas across racks. Unset means no rack."),
        Int("num.network.threads", "3", AtLeast(1), High,
            "Threads that read requests from and write responses to the network."),
        Int("num.io.threads", "8", AtLeast(1), High,
            "Threads that process requests, including disk I/O."),
        Int("background.threads", "10", AtLeast(1), Low,
            "Threads for background work such as deleting old segments."),
        Int("queued.max.requests", "500", AtLeast(1), Medium,
            "Requests that may wait for an I/O thread before the network threads stop reading."),
        Bool("auto.create.topics.enable", "true", High,
            "Create a topic automatically when a client asks for metadata of, or produces to, a topic that does not exist."),
        Bool("delete.topic.enable", "true", High,
            "Allow topics to be deleted. When false, delete requests are refused."),
        Str("compression.type", "producer", OneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), High,
            "Compression of stored batches. 'producer' keeps whatever the producer sent; 'uncompressed' stores batches uncompressed."),
        Int("message.max.bytes", "1048588", AtLeast(0), High,
            "Largest record batch (after compression) the broker accepts, in bytes. Topics may override it with max.message.bytes."),
        Int("fetch.max.bytes", "57671680", AtLeast(1024), Medium,
            "Most bytes of records one Fetch response carries over all its partitions, whatever the request's max_bytes " +
            "(the first batch of the first partition with data is returned whole even when larger, as Kafka)."),
        Int("fetch.max.wait.cap.ms", "30000", AtLeast(0), Medium,
            "Longest a Fetch waits for data, whatever its max_wait_ms (ours, not Kafka's): a fetch asking for longer is " +
            "answered after this many milliseconds with what is there. The default is the Java consumer's request.timeout.ms, " +
            "past which the client has given up on the request anyway."),
        Str("replica.selector.class", null,
            OneOf("org.apache.kafka.common.replica.RackAwareReplicaSelector", "org.apache.kafka.common.replica.LeaderSelector"), Medium,
            "How a partition's leader picks the replica a consumer should fetch from (KIP-392). Kafka's RackAwareReplicaSelector " +
            "sends a consumer whose client.rack names a rack without the leader to a replica in that rack holding its offset; unset or " +
            "LeaderSelector: always the leader. Followers serve consumers' Fetch v11+ either way, as Kafka."),
    ];
}
