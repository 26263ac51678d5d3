namespace Broker.Coordination.Controller.Requests;

/// <summary>
/// Where the active controller's requests to brokers go (Kafka's ControllerChannelManager): one queue per live
/// broker, drained in order, retried until acknowledged. The controller calls it from its event loop only, always
/// <see cref="SetLiveBrokers"/> before the batches of an event, so a queue exists for every target.
/// Implementations must not block: they enqueue and return.
/// </summary>
public interface IControllerChannel
{
    /// <summary>
    /// The live brokers now (each with its broker epoch): a queue starts for each new broker, and the queue of a broker
    /// whose registration went away or was renewed (another epoch) is dropped with whatever it still held (the
    /// controller sends the full state to a broker that registers).
    /// </summary>
    void SetLiveBrokers(IReadOnlyList<LiveBrokerInfo> live);

    /// <summary>Queues <paramref name="batch"/> for its broker (ignored when that broker has no queue).</summary>
    void Enqueue(BrokerRequestBatch batch);

    /// <summary>Drops every queue: this broker stopped being the controller.</summary>
    void Clear();

    /// <summary>
    /// Raised (on any thread) when a broker answered STALE_CONTROLLER_EPOCH: a newer controller exists, so this one
    /// was deposed. The argument is the controller epoch the refused request carried.
    /// </summary>
    event Action<int>? StaleControllerEpoch;

    /// <summary>
    /// Raised (on any thread) with a broker's per-partition answer to a LeaderAndIsr, so the controller learns which
    /// replicas sit in offline log dirs. Channels that send nothing never raise it.
    /// </summary>
    event Action<LeaderAndIsrOutcome>? LeaderAndIsrAnswered
    {
        add { }
        remove { }
    }
}
