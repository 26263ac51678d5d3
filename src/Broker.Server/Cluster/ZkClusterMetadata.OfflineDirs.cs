namespace Broker.Server.Cluster;

// Offline replicas of a ZooKeeper read (replicas in offline log dirs are known only from the controller's requests).
public sealed partial class ZkClusterMetadata
{
    /// <summary>
    /// The offline replicas of a partition as read from ZooKeeper: those on brokers that are not registered, plus
    /// those on live brokers that the controller last reported offline (a replica in a failed log dir: ZooKeeper
    /// does not record it, only the controller's UpdateMetadata does, which also clears it), taken from
    /// <paramref name="before"/>, the view published before the read.
    /// </summary>
    private static int[] OfflineReplicasOf(string topic, int partition, int[] replicas, HashSet<int> live, ClusterSnapshot before)
    {
        int[] reported = before.Topics.TryGetValue(topic, out var known)
            ? known.Partitions.FirstOrDefault(p => p.Partition == partition)?.OfflineReplicas ?? []
            : [];
        if (reported.Length == 0) return replicas.Where(r => !live.Contains(r)).ToArray();
        // Offline then though registered then: in a failed log dir (a dead broker's replica comes back with it).
        var inFailedDirs = reported.Where(r => before.Brokers.Any(b => b.Id == r)).ToHashSet();
        return replicas.Where(r => !live.Contains(r) || inFailedDirs.Contains(r)).ToArray();
    }
}
