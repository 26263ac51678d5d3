namespace Broker.Server.Cluster;

/// <summary>
/// How the broker joins (and leaves) its cluster: alone, or through ZooKeeper. A broker is either ready or not
/// listening: <see cref="BrokerServer"/> calls <see cref="PrepareAsync"/> and <see cref="JoinAsync"/> and binds its
/// listeners only after the join completed (registered, cluster view loaded, partition roles applied). At shutdown it
/// calls <see cref="HandOverAsync"/> while the listeners still serve, then stops the listeners, then
/// <see cref="LeaveAsync"/>, so nothing is acknowledged once the broker has left the cluster.
/// </summary>
public interface IClusterLifecycle
{
    /// <summary>Human-readable mode for the ready line ("single broker", "ZooKeeper localhost:2181").</summary>
    string Description { get; }

    Task PrepareAsync(CancellationToken ct);

    /// <summary>Completes once the broker may serve clients.</summary>
    Task JoinAsync(CancellationToken ct);

    /// <summary>First step of shutdown, listeners still open: move this broker's leaderships away (controlled shutdown).</summary>
    Task HandOverAsync();

    /// <summary>Last step, listeners closed: stop replication and leave the cluster (close the session).</summary>
    Task LeaveAsync();

    /// <summary>
    /// Halt path (all log dirs failed): leave the cluster at once, without handing anything over: the ZooKeeper session
    /// closes, so the registration vanishes and the controller elects new leaders from the ISRs. The process exits next.
    /// </summary>
    Task AbandonAsync();
}
