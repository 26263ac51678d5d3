using Broker.Protocol;

namespace Broker.Server.Cluster;

/// <summary>
/// The broker side's fencing of the controller's requests (LeaderAndIsr, UpdateMetadata, StopReplica), as Kafka's
/// ReplicaManager and KafkaApis do in ZooKeeper mode:
/// <list type="bullet">
/// <item>STALE_BROKER_EPOCH when the request names a broker epoch older than this broker's current registration
/// (the czxid of <c>/brokers/ids/&lt;id&gt;</c>): it was meant for a previous life of this broker. -1 (old request
/// versions) is never stale; a newer epoch is accepted (the controller may learn of a re-registration first).</item>
/// <item>STALE_CONTROLLER_EPOCH when the request's controller epoch is older than the newest seen in any of the three
/// requests (a deposed controller). An accepted request raises the newest seen epoch.</item>
/// </list>
/// <see cref="Run{T}"/> applies requests one at a time, in the order they take the fence, so a request's checks and its
/// effects are never interleaved with another's. Thread-safe.
/// No authentication exists yet: any client can send these requests (issue 14 restricts them to brokers).
/// </summary>
/// <param name="currentBrokerEpoch">This broker's current epoch; -1 when not registered (nothing is then stale).</param>
public sealed class ControllerRequestFence(Func<long> currentBrokerEpoch)
{
    private readonly object _order = new();
    private int _controllerEpoch = -1;

    /// <summary>The newest controller epoch accepted so far (-1 before the first request).</summary>
    public int ControllerEpoch => Volatile.Read(ref _controllerEpoch);

    /// <summary>
    /// Runs <paramref name="apply"/> under the fence when the epochs pass, else returns <paramref name="refuse"/>'s
    /// answer for the request-level error without applying anything. <paramref name="apply"/> must not block on I/O:
    /// it holds the fence.
    /// </summary>
    /// <summary>
    /// Runs <paramref name="apply"/> under the fence without any epoch check: the periodic ZooKeeper reconcile, whose
    /// view and role changes must not interleave with a controller request's. Same rule: no blocking I/O inside.
    /// </summary>
    public T RunLocal<T>(Func<T> apply)
    {
        lock (_order) return apply();
    }

    public T Run<T>(int controllerEpoch, long brokerEpoch, Func<T> apply, Func<ErrorCode, T> refuse)
    {
        lock (_order)
        {
            long current = currentBrokerEpoch();
            if (brokerEpoch != -1 && current != -1 && brokerEpoch < current) return refuse(ErrorCode.StaleBrokerEpoch);
            if (controllerEpoch < _controllerEpoch) return refuse(ErrorCode.StaleControllerEpoch);
            Volatile.Write(ref _controllerEpoch, controllerEpoch);
            return apply();
        }
    }
}
