using Broker.Coordination.Controller.Requests;
using Microsoft.Extensions.Logging;

namespace Broker.Server.ControllerChannel;

/// <summary>
/// The controller's side of LeaderAndIsr / UpdateMetadata / StopReplica (Kafka's ControllerChannelManager): one
/// <see cref="BrokerRequestSender"/> per live broker registration. A registration that goes away or is renewed (a
/// new broker epoch) loses its queue with whatever it held; the controller sends the new registration the full state.
/// Thread-safety: the controller calls it from its event loop; queue changes take a lock, and disposing a dropped
/// queue happens in the background so the loop never waits for a stuck connection.
/// </summary>
public sealed partial class ControllerChannelManager : IControllerChannel, IAsyncDisposable
{
    private readonly ControllerChannelOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<int, BrokerRequestSender> _senders = new();
    private readonly List<Task> _disposals = [];
    private bool _disposed;

    public ControllerChannelManager(ControllerChannelOptions options, ILogger<ControllerChannelManager> logger)
    {
        _options = options;
        _logger = logger;
    }

    public event Action<int>? StaleControllerEpoch;

    /// <summary>Each broker's per-partition answer to a LeaderAndIsr (raised on the sender's thread).</summary>
    public event Action<LeaderAndIsrOutcome>? LeaderAndIsrAnswered;

    /// <summary>Broker ids with a queue now, with the epoch each serves (for tests and logs).</summary>
    public IReadOnlyDictionary<int, long> Queues
    {
        get
        {
            lock (_senders) return _senders.ToDictionary(kv => kv.Key, kv => kv.Value.Target.Epoch);
        }
    }

    /// <summary>Requests answered by <paramref name="broker"/>'s current queue (0 without one).</summary>
    public int Acknowledged(int broker)
    {
        lock (_senders) return _senders.TryGetValue(broker, out var s) ? s.Acknowledged : 0;
    }

    public void SetLiveBrokers(IReadOnlyList<LiveBrokerInfo> live)
    {
        lock (_senders)
        {
            if (_disposed) return;
            var byId = live.ToDictionary(b => b.Id);
            foreach (var (id, sender) in _senders.ToList())
            {
                if (byId.TryGetValue(id, out var now) && now.Epoch == sender.Target.Epoch)
                {
                    continue;
                }

                _senders.Remove(id);
                LogQueueDropped(id, sender.Target.Epoch);
                _disposals.Add(sender.DisposeAsync().AsTask());
            }

            foreach (var broker in live)
            {
                if (_senders.ContainsKey(broker.Id)) continue;
                _senders[broker.Id] = new BrokerRequestSender(broker, _options, epoch => StaleControllerEpoch?.Invoke(epoch), _logger,
                    outcome => LeaderAndIsrAnswered?.Invoke(outcome));
                LogQueueStarted(broker.Id, broker.Epoch);
            }
        }
    }

    public void Enqueue(BrokerRequestBatch batch)
    {
        lock (_senders)
        {
            if (_senders.TryGetValue(batch.BrokerId, out var sender)) sender.Enqueue(batch);
        }
    }

    public void Clear()
    {
        lock (_senders)
        {
            foreach (var sender in _senders.Values) _disposals.Add(sender.DisposeAsync().AsTask());
            _senders.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] pending;
        lock (_senders)
        {
            _disposed = true;
            foreach (var sender in _senders.Values) _disposals.Add(sender.DisposeAsync().AsTask());
            _senders.Clear();
            pending = _disposals.ToArray();
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    [LoggerMessage(583, LogLevel.Information, "Controller: request queue for broker {BrokerId} (epoch {Epoch}) started")]
    private partial void LogQueueStarted(int brokerId, long epoch);

    [LoggerMessage(584, LogLevel.Information, "Controller: request queue for broker {BrokerId} (epoch {Epoch}) dropped (registration gone or renewed)")]
    private partial void LogQueueDropped(int brokerId, long epoch);
}
