namespace Broker.Server.Cluster;

/// <summary>
/// How the broker joins (and leaves) its cluster: alone, or through ZooKeeper. <see cref="BrokerServer"/> calls
/// <see cref="PrepareAsync"/> before binding its listeners and <see cref="JoinAsync"/> after, then
/// <see cref="LeaveAsync"/> first thing at shutdown.
/// </summary>
public interface IClusterLifecycle
{
    /// <summary>Human-readable mode for the ready line ("single broker", "ZooKeeper localhost:2181").</summary>
    string Description { get; }

    Task PrepareAsync(CancellationToken ct);

    Task JoinAsync(CancellationToken ct);

    Task LeaveAsync();
}
