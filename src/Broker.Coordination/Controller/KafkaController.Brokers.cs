namespace Broker.Coordination.Controller;

// Live brokers and the controlled-shutdown set (loop-owned).
public sealed partial class KafkaController
{
    private async Task RefreshLiveBrokersAsync(CancellationToken ct)
    {
        var epochs = await _store.GetBrokerEpochsAsync(OnBrokers, ct).ConfigureAwait(false);
        var live = epochs.Keys.ToHashSet();
        if (!live.SetEquals(_live)) LogLiveBrokers(string.Join(",", live.Order()));
        _live = live;
        _brokerEpochs = epochs;

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
        await RefreshLiveBrokersAsync(_stop.Token).ConfigureAwait(false);
        await ReconcileAsync(AllPartitions(), _stop.Token).ConfigureAwait(false);
    }
}
