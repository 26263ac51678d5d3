namespace Broker.Server.Partitions;

// Replicas in offline log dirs (Kafka's HostedPartition.Offline).
public sealed partial class ReplicaManager
{
    /// <summary>
    /// True when the partition's local log lives in a log dir that went offline: this broker can neither lead nor
    /// follow it until it restarts (produce, fetch and LeaderAndIsr answer KAFKA_STORAGE_ERROR). Thread-safe.
    /// </summary>
    public bool IsInOfflineDir(string topic, int partition) => _logs.Get(topic, partition)?.IsOffline == true;

    /// <summary>The hosted partitions whose log is in <paramref name="dir"/> (an absolute log dir).</summary>
    public IReadOnlyList<Partition> HostedIn(string dir) =>
        _partitions.Values.Where(p => string.Equals(p.Log.LogDir, dir, StringComparison.Ordinal)).ToList();
}
