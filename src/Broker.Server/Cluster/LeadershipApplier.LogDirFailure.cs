using Broker.Server.Partitions;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

// Replicas of a failed log dir (Kafka's ReplicaManager.handleLogDirFailure).
public sealed partial class LeadershipApplier
{
    /// <summary>
    /// Stops every hosted replica whose log is in the offline <paramref name="dir"/>: its fetcher stops, it stops
    /// leading (waiting produce and fetch requests wake up and fail over, the group coordinator drops an offsets
    /// partition), and <see cref="Apply"/> leaves it alone from now on. The replica stays hosted, so requests for it
    /// answer KAFKA_STORAGE_ERROR (not "unknown partition") until the controller moves it. Returns the stopped
    /// partitions. Callers serialise it with <see cref="Apply"/> (the controller-request fence).
    /// </summary>
    public IReadOnlyList<Partition> StopReplicasIn(string dir)
    {
        var stopped = _replicas.HostedIn(dir);
        foreach (var partition in stopped)
        {
            _fetchers.Unfollow(partition.Id);
            if (partition.Stop()) _replicas.OnLeadershipChanged(partition);
        }

        if (stopped.Count > 0)
            LogStoppedInOfflineDir(stopped.Count, dir, string.Join(",", stopped.Take(20).Select(p => $"{p.Id.Topic}-{p.Id.Partition}")));
        return stopped;
    }

    [LoggerMessage(966, LogLevel.Warning, "Stopped {Count} replica(s) in the offline log dir {Dir} (no fetching, no leading until restart): {Partitions}")]
    private partial void LogStoppedInOfflineDir(int count, string dir, string partitions);
}
