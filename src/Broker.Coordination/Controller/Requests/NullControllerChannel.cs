namespace Broker.Coordination.Controller.Requests;

/// <summary>A channel that sends nothing (controller tests that only look at ZooKeeper).</summary>
public sealed class NullControllerChannel : IControllerChannel
{
    public static readonly NullControllerChannel Instance = new();

    public void SetLiveBrokers(IReadOnlyList<LiveBrokerInfo> live)
    {
    }

    public void Enqueue(BrokerRequestBatch batch)
    {
    }

    public void Clear()
    {
    }

#pragma warning disable CS0067 // never raised: nothing is sent
    public event Action<int>? StaleControllerEpoch;
#pragma warning restore CS0067
}
