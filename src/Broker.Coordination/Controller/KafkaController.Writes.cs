using System.Runtime.ExceptionServices;
using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination.Controller;

// Compare-and-set writes of partition states (loop-owned).
public sealed partial class KafkaController
{
    /// <summary>Rounds of re-read-and-decide for a partition whose state keeps changing under us before giving up for now.</summary>
    private const int MaxConflictRounds = 5;

    /// <summary>Writes in flight at once: each is its own small multi, pipelined on the one session.</summary>
    private const int MaxWritesInFlight = 100;

    /// <summary>
    /// A rule for one partition: its assignment and cached state (null = none yet) give the state to write, or null
    /// for no change. May read ZooKeeper (topic configs) but must not write.
    /// </summary>
    private delegate ValueTask<PartitionStateZNode?> Decision(string topic, int partition, int[] replicas, PartitionStateZNode? current);

    private sealed record PendingWrite(string Topic, int Partition, PartitionStateZNode State, int? ExpectedZkVersion);

    /// <summary>
    /// Brings <paramref name="partitions"/> to what <paramref name="decide"/> wants. Each write is a compare-and-set
    /// on the cached zkVersion; a partition whose state changed meanwhile (a leader's ISR update) is re-read and
    /// decided again, alone, up to <see cref="MaxConflictRounds"/> times, then left to a later event. The controller
    /// epoch check travels with every write, so being deposed surfaces as the fencing exception.
    /// </summary>
    private async Task ApplyAsync(IReadOnlyCollection<(string Topic, int Partition)> partitions, Decision decide, string reason, CancellationToken ct)
    {
        IReadOnlyCollection<(string Topic, int Partition)> pending = partitions;
        for (int round = 1; pending.Count > 0; round++)
        {
            var writes = new List<PendingWrite>();
            foreach (var (topic, partition) in pending)
            {
                if (!_topics.TryGetValue(topic, out var assignment) || !assignment.Partitions.TryGetValue(partition, out var replicas)) continue;
                var current = _states.GetValueOrDefault((topic, partition));
                var next = await decide(topic, partition, replicas, current?.State).ConfigureAwait(false);
                if (next is not null) writes.Add(new PendingWrite(topic, partition, next, current?.ZkVersion));
            }

            var conflicts = await WriteAsync(writes, reason, ct).ConfigureAwait(false);
            foreach (var (topic, partition) in conflicts)
            {
                LogConflict(topic, partition, reason);
                await RereadAsync(topic, partition, ct).ConfigureAwait(false);
            }

            if (conflicts.Count > 0 && round == MaxConflictRounds)
            {
                foreach (var (topic, partition) in conflicts) _ = RetryLaterAsync(new ControllerEvent.PartitionStateChanged(topic, partition));
                return;
            }

            pending = conflicts;
        }
    }

    /// <summary>Sends the writes pipelined; records successes in the cache and returns the conflicting partitions.</summary>
    private async Task<List<(string Topic, int Partition)>> WriteAsync(List<PendingWrite> writes, string reason, CancellationToken ct)
    {
        var conflicts = new List<(string, int)>();
        for (int start = 0; start < writes.Count; start += MaxWritesInFlight)
        {
            var chunk = writes.Skip(start).Take(MaxWritesInFlight).ToList();
            var tasks = chunk.Select(w => _store.TryWritePartitionStateFencedAsync(_epochZkVersion, w.Topic, w.Partition, w.State, w.ExpectedZkVersion, ct)).ToArray();
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch
            {
                // Inspected per task below: successes must reach the cache even when a sibling failed.
            }

            Exception? failure = null;
            for (int i = 0; i < chunk.Count; i++)
            {
                var w = chunk[i];
                if (tasks[i].IsCompletedSuccessfully && tasks[i].Result is { } version)
                {
                    SetState((w.Topic, w.Partition), new PartitionStateRead(w.State, version), isNew: w.ExpectedZkVersion is null);
                    LogState(w.Topic, w.Partition, w.State.Leader, w.State.LeaderEpoch, string.Join(",", w.State.Isr), reason);
                }
                else if (tasks[i].IsCompletedSuccessfully)
                {
                    conflicts.Add((w.Topic, w.Partition));
                }
                else
                {
                    var error = tasks[i].Exception?.InnerException ?? new OperationCanceledException(ct);
                    // Being deposed wins over any other error: it is what the loop must act on.
                    if (failure is null || (error is BadVersionException { Path: ControllerEpochZNode.Path } && failure is not BadVersionException)) failure = error;
                }
            }

            if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return conflicts;
    }

    private async Task RereadAsync(string topic, int partition, CancellationToken ct)
    {
        SetState((topic, partition), await _store.GetPartitionStateAsync(topic, partition, null, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// The general rule after any change: new partitions get their first state, dead leaders are replaced, dead
    /// followers leave the ISR. The topic's unclean election override is read only for a partition that needs it.
    /// </summary>
    private Task ReconcileAsync(IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var shuttingDown = ShuttingDownIds();
        var electable = _live.Where(b => !shuttingDown.Contains(b)).ToHashSet();
        var unclean = new Dictionary<string, bool>(StringComparer.Ordinal);
        return ApplyAsync(partitions, async (topic, partition, replicas, current) =>
        {
            if (current is null) return PartitionElection.Initial(replicas, electable, _epoch);
            var live = LiveReplicasOf(topic, partition); // replicas in offline log dirs neither lead nor stay in the ISR
            bool allowUnclean = PartitionElection.NeedsUncleanChoice(current, replicas, live, shuttingDown)
                && await UncleanElectionEnabledAsync(topic, unclean, ct).ConfigureAwait(false);
            return PartitionElection.Reconcile(current, replicas, live, shuttingDown, allowUnclean, _epoch);
        }, "reconcile", ct);
    }

    /// <summary><c>unclean.leader.election.enable</c> for <paramref name="topic"/>: its override, else the broker default (cached per pass).</summary>
    private async ValueTask<bool> UncleanElectionEnabledAsync(string topic, Dictionary<string, bool> cache, CancellationToken ct)
    {
        if (cache.TryGetValue(topic, out bool enabled)) return enabled;
        var config = await _store.GetTopicConfigAsync(topic, ct).ConfigureAwait(false);
        enabled = config.TryGetValue("unclean.leader.election.enable", out var text) && bool.TryParse(text.Trim(), out bool value)
            ? value
            : _options.UncleanLeaderElectionNow?.Invoke() ?? _options.UncleanLeaderElection;
        cache[topic] = enabled;
        return enabled;
    }

    private async Task OnPartitionStateChangedAsync(string topic, int partition)
    {
        if (!_topics.ContainsKey(topic)) return;
        await RereadAsync(topic, partition, _stop.Token).ConfigureAwait(false);
        await ReconcileAsync([(topic, partition)], _stop.Token).ConfigureAwait(false);
    }
}
