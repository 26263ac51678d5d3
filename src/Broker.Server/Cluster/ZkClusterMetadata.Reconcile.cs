using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

// The periodic reconcile: a safety net under the watches (Kafka's controller resends state for the same reason).
public sealed partial class ZkClusterMetadata
{
    private ITimer? _reconcileTimer;
    private int _reconcileDue;

    /// <summary>
    /// Test hook: while true, watch notifications are swallowed (a lost notification), so only the periodic
    /// reconcile can bring the broker up to date.
    /// </summary>
    internal bool DropWatchNotifications { get; set; }

    /// <summary>Reconciles the hosted partitions completed so far (for tests and logs).</summary>
    internal int ReconcileCount => Volatile.Read(ref _reconcileCount);

    private int _reconcileCount;

    /// <summary>
    /// Every <c>broker.metadata.reconcile.interval.ms</c>, re-reads the whole layout on the refresh loop as if a watch had
    /// fired, compares each hosted partition's role, leader and leader epoch with ZooKeeper, warns about any drift and
    /// repairs it by applying the fresh view. So a lost or never-armed watch delays leadership by at most one interval
    /// instead of leaving a partition without a working leader.
    /// </summary>
    private void StartReconcileTimer()
    {
        long ms = _config.MetadataReconcileIntervalMs;
        if (ms <= 0) return;
        var period = TimeSpan.FromMilliseconds(ms);
        _reconcileTimer = _time.CreateTimer(_ => RequestReconcile(), null, period, period);
    }

    /// <summary>Asks the refresh loop for a reconcile pass (a full refresh that also reports drift).</summary>
    internal void RequestReconcile()
    {
        Volatile.Write(ref _reconcileDue, 1);
        RequestRefresh();
    }

    /// <summary>
    /// Set by every watch notification, cleared when a refresh starts: a difference found by a reconcile is drift
    /// only when no notification arrived since the refresh before it (else the change is simply being learned now;
    /// ZooKeeper delivers a change's notification before any read that shows the change).
    /// </summary>
    private int _watchFired;

    /// <summary>
    /// Logs each hosted partition whose local role differs from <paramref name="next"/> (just read from ZooKeeper),
    /// unless <paramref name="watchFiredBefore"/> or a notification arrived while reading. Runs on the refresh loop,
    /// before the view is applied (which repairs the drift in any case).
    /// </summary>
    private void ReportDrift(ClusterSnapshot next, bool watchFiredBefore)
    {
        Interlocked.Increment(ref _reconcileCount);
        if (watchFiredBefore) return;
        int self = _config.BrokerId;
        foreach (var topic in next.Topics.Values)
        {
            foreach (var p in topic.Partitions)
            {
                if (!p.Replicas.Contains(self)) continue;
                string zk = p.Leader == self ? $"leader at epoch {p.LeaderEpoch}" : $"follower of {p.Leader} at epoch {p.LeaderEpoch}";
                string? local = !_replicas.TryGet(topic.Name, p.Partition, out var hosted) ? "not hosted"
                    : hosted.IsLeader != (p.Leader == self) || hosted.LeaderEpoch != p.LeaderEpoch || (!hosted.IsLeader && hosted.LeaderId != p.Leader)
                        ? hosted.IsLeader ? $"leader at epoch {hosted.LeaderEpoch}" : $"follower of {hosted.LeaderId} at epoch {hosted.LeaderEpoch}"
                        : null;
                if (local is not null && Volatile.Read(ref _watchFired) == 0) LogDrift(topic.Name, p.Partition, local, zk);
            }
        }

    }

    [LoggerMessage(504, LogLevel.Warning, "Partition {Topic}-{Partition} drifted from ZooKeeper (a watch notification was lost?): this broker had it as {Local}, ZooKeeper says {ZooKeeper}; repairing")]
    private partial void LogDrift(string topic, int partition, string local, string zooKeeper);
}
