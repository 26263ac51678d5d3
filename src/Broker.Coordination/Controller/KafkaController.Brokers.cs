using Broker.Coordination.Controller.Requests;

namespace Broker.Coordination.Controller;

// Live brokers and the controlled-shutdown set (loop-owned).
public sealed partial class KafkaController
{
    private async Task RefreshLiveBrokersAsync(CancellationToken ct)
    {
        var registrations = await _store.GetBrokerRegistrationsAsync(OnBrokers, ct).ConfigureAwait(false);
        var epochs = registrations.ToDictionary(r => r.Broker.Id, r => r.Epoch);
        var live = epochs.Keys.ToHashSet();
        if (!live.SetEquals(_live)) LogLiveBrokers(string.Join(",", live.Order()));
        var before = _brokerEpochs;
        _live = live;
        _brokerEpochs = epochs;
        _liveBrokers = registrations.Select(r => new LiveBrokerInfo(r.Broker.Id, r.Epoch, r.Broker.Endpoints, r.Broker.Rack)).ToList();
        if (before.Count != epochs.Count || epochs.Any(kv => !before.TryGetValue(kv.Key, out long e) || e != kv.Value)) OnBrokerRegistrationsChanged(before);
        ForgetOfflineDirsOfChangedRegistrations();

        // A stopping broker leaves the set when its registration goes, or when it registered again (a newer epoch).
        foreach (var (id, epoch) in _shuttingDown.ToList())
        {
            if (epochs.TryGetValue(id, out long current) && current <= epoch) continue;
            _shuttingDown.Remove(id);
            LogShutdownDone(id);
        }
    }

    private HashSet<int> ShuttingDownIds() => _shuttingDown.Keys.ToHashSet();

    private async Task OnBrokersChangedAsync()
    {
        var before = _brokerEpochs;
        await RefreshLiveBrokersAsync(_stop.Token).ConfigureAwait(false);

        // A broker that died and registered again between two looks at /brokers/ids (a fast restart) has a new
        // registration epoch. As Kafka does, treat it as failed first (leadership moves to other in-sync replicas and
        // it leaves the ISRs), then as started: it rejoins as a follower and catches up from the new leaders.
        var bounced = _brokerEpochs.Where(kv => before.TryGetValue(kv.Key, out long old) && old != kv.Value).Select(kv => kv.Key).ToHashSet();
        if (bounced.Count > 0)
        {
            LogBounced(string.Join(",", bounced.Order()));
            var live = _live;
            _live = live.Where(b => !bounced.Contains(b)).ToHashSet();
            try
            {
                await ReconcileAsync(AllPartitions(), _stop.Token).ConfigureAwait(false);
            }
            finally
            {
                _live = live;
            }
        }

        await ReconcileAsync(AllPartitions(), _stop.Token).ConfigureAwait(false);

        // A returning broker may be the last replica a pending topic deletion waited for.
        if (_deletionsWaiting.Count > 0) await OnDeletionsRequestedAsync().ConfigureAwait(false);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(414, Microsoft.Extensions.Logging.LogLevel.Information, "Controller: broker(s) {Brokers} restarted since last seen; moving their leaderships first")]
    private partial void LogBounced(string brokers);
}
