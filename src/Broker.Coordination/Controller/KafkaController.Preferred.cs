namespace Broker.Coordination.Controller;

// Preferred leader election (auto.leader.rebalance.enable).
public sealed partial class KafkaController
{
    /// <summary>
    /// Runs the leader imbalance check now (as the timer does every leader.imbalance.check.interval.seconds) and
    /// completes when its writes are done.
    /// </summary>
    /// <exception cref="NotControllerException">This broker is not the active controller.</exception>
    public async Task TriggerPreferredElectionAsync(CancellationToken ct = default)
    {
        if (!_active) throw new NotControllerException($"broker {_options.BrokerId} is not the active controller");
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ControllerEvent.PreferredElection(reply));
        await reply.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task OnPreferredElectionAsync(ControllerEvent.PreferredElection request)
    {
        var partitions = _topics.SelectMany(t => t.Value.Partitions.Select(p =>
            ((t.Key, p.Key), p.Value, _states.TryGetValue((t.Key, p.Key), out var s) ? s.State.Leader : (int?)null)));
        var candidates = PartitionElection.ImbalancedPartitions(partitions, _options.LeaderImbalancePerBrokerPercentage);
        if (candidates.Count > 0)
        {
            var shuttingDown = ShuttingDownIds();
            await ApplyAsync(candidates, (_, _, replicas, current) => ValueTask.FromResult(current is null
                ? null
                : PartitionElection.Preferred(current, replicas, _live, shuttingDown, _epoch)), "preferred replica", _stop.Token).ConfigureAwait(false);
        }

        request.Reply?.TrySetResult();
    }
}
