namespace Broker.Coordination.Controller;

// Controlled shutdown (Kafka's ControlledShutdown API, served by the active controller).
public sealed partial class KafkaController
{
    /// <summary>
    /// Moves leadership away from a stopping broker, on the controller's loop: the broker is marked as shutting down
    /// (never elected until its registration disappears or is renewed with a newer epoch); each partition it leads
    /// gets a new leader from the rest of its ISR (leader epoch + 1) and it leaves every ISR it can leave without
    /// emptying it. Returns the replicated partitions (replication factor &gt; 1) it still leads because no other ISR
    /// member is live, sorted; as in Kafka, partitions with a single replica are not reported (nothing can take them
    /// over, so waiting for them would only delay every shutdown), though they stay led by the broker.
    /// </summary>
    /// <param name="brokerEpoch">The broker's registration czxid, or -1 when unknown (old request versions).</param>
    /// <exception cref="NotControllerException">This broker is not (or stopped being) the active controller.</exception>
    /// <exception cref="BrokerNotAvailableException">The broker is not registered.</exception>
    /// <exception cref="StaleBrokerEpochException">The request comes from an older registration of the broker.</exception>
    public async Task<IReadOnlyList<(string Topic, int Partition)>> ControlledShutdownAsync(int brokerId, long brokerEpoch, CancellationToken ct)
    {
        if (!_active) throw new NotControllerException($"broker {_options.BrokerId} is not the active controller");
        var reply = new TaskCompletionSource<IReadOnlyList<(string Topic, int Partition)>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ControllerEvent.ControlledShutdown(brokerId, brokerEpoch, reply));
        return await reply.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task OnControlledShutdownAsync(ControllerEvent.ControlledShutdown request)
    {
        var ct = _stop.Token;
        int id = request.BrokerId;
        if (!_brokerEpochs.TryGetValue(id, out long epoch) || request.BrokerEpoch > epoch)
        {
            await RefreshLiveBrokersAsync(ct).ConfigureAwait(false); // the watch may not have fired yet
            if (!_brokerEpochs.TryGetValue(id, out epoch)) throw new BrokerNotAvailableException($"broker {id} is not registered");
        }

        if (request.BrokerEpoch != -1 && request.BrokerEpoch < epoch)
            throw new StaleBrokerEpochException($"broker {id} asked with epoch {request.BrokerEpoch}; its registration has epoch {epoch}");

        _shuttingDown[id] = epoch;
        var shuttingDown = ShuttingDownIds();
        LogControlledShutdown(id, epoch);

        var hosted = AllPartitions().Where(k => _topics[k.Topic].Partitions[k.Partition].Contains(id)).ToList();
        await ApplyAsync(hosted, (_, _, replicas, current) => ValueTask.FromResult(current is null
            ? null
            : PartitionElection.ForControlledShutdown(current, replicas, _live, shuttingDown, id, _epoch)), "controlled shutdown", ct).ConfigureAwait(false);

        var remaining = _states.Where(s => s.Value.State.Leader == id && IsReplicated(s.Key)).Select(s => s.Key)
            .OrderBy(k => k.Topic, StringComparer.Ordinal).ThenBy(k => k.Partition).ToList();
        LogControlledShutdownDone(id, remaining.Count);
        request.Reply.TrySetResult(remaining);
    }

    private bool IsReplicated((string Topic, int Partition) key) =>
        _topics.TryGetValue(key.Topic, out var t) && t.Partitions.TryGetValue(key.Partition, out var replicas) && replicas.Length > 1;
}
