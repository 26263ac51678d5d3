using Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

// The periodic reconcile: the safety net under the controller's requests (a lost LeaderAndIsr cannot leave a
// partition without a working leader for longer than one interval).
public sealed partial class ZkClusterMetadata
{
    private ITimer? _reconcileTimer;
    private int _reconcileDue;

    /// <summary>Reconcile passes completed so far (for tests and logs).</summary>
    internal int ReconcileCount => Volatile.Read(ref _reconcileCount);

    private int _reconcileCount;

    /// <summary>
    /// Every <c>broker.metadata.reconcile.interval.ms</c>, re-reads the whole layout on the refresh loop, compares each
    /// hosted partition's role, leader and leader epoch with ZooKeeper, warns about any drift and repairs it by applying
    /// the fresh view. So a lost controller request delays leadership by at most one interval instead of leaving a
    /// partition without a working leader.
    /// </summary>
    private void StartReconcileTimer()
    {
        long ms = _config.MetadataReconcileIntervalMs;
        if (ms <= 0) return;
        var period = TimeSpan.FromMilliseconds(ms);
        _reconcileTimer = _time.CreateTimer(_ => RequestReconcile(), null, period, period);
    }

    /// <summary>Asks the refresh loop for a reconcile pass (a full read that also reports drift).</summary>
    internal void RequestReconcile()
    {
        Volatile.Write(ref _reconcileDue, 1);
        RequestRefresh();
    }

    /// <summary>
    /// Logs each hosted partition whose local role is behind <paramref name="next"/> (just read from ZooKeeper, merged
    /// with what requests published meanwhile): not hosted, or hosted at an older leader epoch (or an older partition
    /// epoch of the same one) with another role, leader or epoch. A replica ahead of ZooKeeper's read (a LeaderAndIsr
    /// applied after the read) is not drift. Runs under the fence, before the view is applied (which repairs it).
    /// A state the controller wrote whose LeaderAndIsr is still on its way is reported too: the read cannot tell a
    /// late request from a lost one, and applying ZooKeeper's newer state is right in both cases.
    /// </summary>
    private void ReportDrift(ClusterSnapshot next)
    {
        Interlocked.Increment(ref _reconcileCount);
        int self = _config.BrokerId;
        int drifted = 0;
        foreach (var topic in next.Topics.Values)
        {
            foreach (var p in topic.Partitions)
            {
                if (!p.Replicas.Contains(self)) continue;
                string zk = p.Leader == self ? $"leader at epoch {p.LeaderEpoch}" : $"follower of {p.Leader} at epoch {p.LeaderEpoch}";
                string? local;
                if (!_replicas.TryGet(topic.Name, p.Partition, out var hosted)) local = "not hosted";
                else if (!topic.TopicId.Equals(KafkaUuid.Zero) && !hosted.TopicId.Equals(topic.TopicId)) local = $"hosted for topic id {hosted.TopicId}";
                else if (IsOlderThanHosted(topic, p) || (hosted.LeaderEpoch == p.LeaderEpoch && hosted.StateVersion == p.StateVersion)) local = null;
                else if (hosted.IsLeader != (p.Leader == self) || hosted.LeaderEpoch != p.LeaderEpoch || (!hosted.IsLeader && hosted.LeaderId != p.Leader))
                    local = hosted.IsLeader ? $"leader at epoch {hosted.LeaderEpoch}" : $"follower of {hosted.LeaderId} at epoch {hosted.LeaderEpoch}";
                else local = null;
                if (local is null) continue;
                drifted++;
                LogDrift(topic.Name, p.Partition, local, zk);
            }
        }

        if (drifted > 0) LogDriftRepaired(drifted);
    }

    [LoggerMessage(504, LogLevel.Warning, "Partition {Topic}-{Partition} drifted from ZooKeeper (a LeaderAndIsr lost or late?): this broker had it as {Local}, ZooKeeper says {ZooKeeper}; repairing")]
    private partial void LogDrift(string topic, int partition, string local, string zooKeeper);

    [LoggerMessage(506, LogLevel.Warning, "Reconcile with ZooKeeper repaired {Count} partition(s) whose local role had drifted")]
    private partial void LogDriftRepaired(int count);
}
