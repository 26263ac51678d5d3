using Broker.Server.Cluster;
using Broker.Server.Partitions;

namespace Broker.Server.Metrics;

/// <summary>
/// Liveness and readiness, as <c>/health/live</c> and <c>/health/ready</c> answer them. Ready = the broker joined its
/// cluster (registered in ZooKeeper, cluster view loaded, roles applied: what the broker waits for before it opens its
/// listeners), is not shutting down (controlled shutdown included), and every partition its cluster view says it leads
/// is led by a local replica on an online log directory. Thread-safe (volatile flags; the check reads snapshots).
/// </summary>
public sealed class BrokerHealth(ReplicaManager replicas, IClusterMetadata cluster)
{
    private volatile bool _joined;
    private volatile bool _stopping;

    /// <summary>The broker's start-up completed (every hosted service started, listeners open).</summary>
    public void MarkJoined() => _joined = true;

    /// <summary>Shutdown began (before the controlled shutdown hands leadership over).</summary>
    public void MarkStopping() => _stopping = true;

    /// <summary>Null when ready, else a one-line reason.</summary>
    public string? NotReadyReason()
    {
        if (_stopping) return "shutting down";
        if (!_joined) return "starting: not yet registered with the cluster and its metadata loaded";
        int me = cluster.LocalBrokerId;
        foreach (var topic in cluster.Topics)
        {
            foreach (var p in topic.Partitions)
            {
                if (p.Leader != me) continue;
                if (!replicas.TryGet(topic.Name, p.Partition, out var local) || !local.IsLeader)
                    return $"partition {topic.Name}-{p.Partition} is assigned to this broker as leader but not led here";
                string? dir = Path.GetDirectoryName(local.Log.Directory);
                if (dir is not null && replicas.Logs.Failures.IsOffline(dir))
                    return $"partition {topic.Name}-{p.Partition} led here is offline (log dir {dir} failed)";
            }
        }

        return null;
    }
}
