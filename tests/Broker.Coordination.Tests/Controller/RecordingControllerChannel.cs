using System.Collections.Concurrent;
using Broker.Coordination.Controller.Requests;

namespace Broker.Coordination.Tests.Controller;

/// <summary>A fake <see cref="IControllerChannel"/> that records what the controller hands it. Thread-safe.</summary>
internal sealed class RecordingControllerChannel : IControllerChannel
{
    private readonly ConcurrentQueue<BrokerRequestBatch> _batches = new();
    private volatile IReadOnlyList<LiveBrokerInfo> _live = [];
    private int _clears;

    public IReadOnlyList<BrokerRequestBatch> Batches => _batches.ToArray();

    public IReadOnlyList<LiveBrokerInfo> Live => _live;

    public int Clears => Volatile.Read(ref _clears);

    public IReadOnlyList<BrokerRequestBatch> To(int broker) => Batches.Where(b => b.BrokerId == broker).ToList();

    /// <summary>Forgets what was recorded so far (a test then looks only at what follows).</summary>
    public void Reset() => _batches.Clear();

    public void SetLiveBrokers(IReadOnlyList<LiveBrokerInfo> live) => _live = live;

    public void Enqueue(BrokerRequestBatch batch)
    {
        Assert.That(_live.Select(b => b.Id), Does.Contain(batch.BrokerId), "a batch for a broker the channel was not told about");
        _batches.Enqueue(batch);
    }

    public void Clear() => Interlocked.Increment(ref _clears);

    public event Action<int>? StaleControllerEpoch;

    public void RaiseStale(int epoch) => StaleControllerEpoch?.Invoke(epoch);

    public event Action<LeaderAndIsrOutcome>? LeaderAndIsrAnswered;

    /// <summary>What a broker's answer to a LeaderAndIsr would raise.</summary>
    public void RaiseAnswered(LeaderAndIsrOutcome outcome) => LeaderAndIsrAnswered?.Invoke(outcome);
}
