namespace Broker.Server.Cluster;

/// <summary>
/// What this broker knows of the cluster, served to Metadata requests and used to route requests.
/// Single-broker mode keeps it locally; ZooKeeper mode fills it from the controller. Thread-safe: readers see
/// immutable snapshots.
/// </summary>
public interface IClusterMetadata
{
    string ClusterId { get; }

    int ControllerId { get; }

    int LocalBrokerId { get; }

    IReadOnlyList<BrokerNode> Brokers { get; }

    IReadOnlyCollection<TopicInfo> Topics { get; }

    bool TryGetTopic(string name, out TopicInfo topic);

    bool TryGetTopic(Broker.Protocol.KafkaUuid id, out TopicInfo topic);
}
