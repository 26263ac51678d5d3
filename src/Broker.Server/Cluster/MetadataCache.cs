using Broker.Protocol;
using Broker.Server.Partitions;

namespace Broker.Server.Cluster;

/// <summary>
/// What this broker answers Metadata, FindCoordinator, DescribeCluster and routing questions from in ZooKeeper mode
/// (Kafka's ZooKeeper-era MetadataCache): one immutable <see cref="ClusterSnapshot"/>, replaced whole by
/// <see cref="Publish"/> (a full ZooKeeper read) or by <see cref="ApplyUpdateMetadata"/> (the controller's
/// UpdateMetadata request). Only the view: the local replicas' roles are applied separately by
/// <see cref="LeadershipApplier"/>. Thread-safe: readers see the current snapshot (a volatile reference); writers
/// are serialised by a lock so no update is lost between two publishers.
/// </summary>
public sealed partial class MetadataCache(int localBrokerId) : IClusterMetadata
{
    private readonly object _writeLock = new();
    private volatile ClusterSnapshot _snapshot = ClusterSnapshot.Empty;

    public string ClusterId { get; set; } = "";

    /// <summary>The current snapshot.</summary>
    public ClusterSnapshot Current => _snapshot;

    /// <summary>Notified after every publication (waiters re-check their condition).</summary>
    public ChangeSignal Published { get; } = new();

    public int ControllerId => _snapshot.ControllerId;

    public int LocalBrokerId => localBrokerId;

    public IReadOnlyList<BrokerNode> Brokers => _snapshot.Brokers;

    public IReadOnlyCollection<TopicInfo> Topics => _snapshot.Topics.Values.ToArray();

    public bool TryGetTopic(string name, out TopicInfo topic) => _snapshot.Topics.TryGetValue(name, out topic!);

    public bool TryGetTopic(KafkaUuid id, out TopicInfo topic)
    {
        topic = _snapshot.Topics.Values.FirstOrDefault(t => t.TopicId.Equals(id))!;
        return topic is not null;
    }

    /// <summary>Topic configuration overrides, as of the last publication.</summary>
    public IReadOnlyDictionary<string, string> TopicConfig(string topic) => _snapshot.TopicConfig(topic);

    /// <summary>True while the topic is queued for deletion (<c>/admin/delete_topics/&lt;name&gt;</c>), as of the last publication.</summary>
    public bool IsDeletionPending(string name) => _snapshot.PendingDeletions.Contains(name);

    /// <summary>The partition's state, or null when the topic or partition is unknown.</summary>
    public PartitionInfo? TryGetPartition(string topic, int partition) =>
        _snapshot.Topics.TryGetValue(topic, out var t) ? t.Partitions.FirstOrDefault(p => p.Partition == partition) : null;

    /// <summary>Replaces the whole view (a complete ZooKeeper read); returns the snapshot it replaced.</summary>
    public ClusterSnapshot Publish(ClusterSnapshot next)
    {
        ClusterSnapshot previous;
        lock (_writeLock)
        {
            previous = _snapshot;
            _snapshot = next;
        }

        Published.Notify();
        return previous;
    }
}
