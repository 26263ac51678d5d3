namespace Broker.Server.LogDirs;

/// <summary>
/// What the broker does when one of its log dirs failed while others are still online (Kafka's
/// ReplicaManager.handleLogDirFailure): stop the dir's replicas and tell the controller, which moves their
/// leadership and ISR membership to other brokers. (When every dir failed the broker halts instead.)
/// </summary>
public interface ILogDirFailureHandler
{
    /// <summary>
    /// Handles the failure of <paramref name="dir"/> (an absolute log dir, already offline); completes once the
    /// controller was told. Called on a task of its own, never under a partition lock; throws only when cancelled.
    /// </summary>
    Task OnLogDirOfflineAsync(string dir, CancellationToken ct);
}

/// <summary>
/// Single-broker mode: there is no controller and no other replica; the failed dir's partitions answer
/// KAFKA_STORAGE_ERROR (<see cref="Partitions.LeaderLookup"/>) and the other dirs keep serving.
/// </summary>
public sealed class LocalLogDirFailureHandler : ILogDirFailureHandler
{
    public Task OnLogDirOfflineAsync(string dir, CancellationToken ct) => Task.CompletedTask;
}
