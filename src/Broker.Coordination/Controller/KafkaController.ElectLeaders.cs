using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

// Admin leader elections (ElectLeaders, KIP-183/KIP-460), as Kafka's ZooKeeper-mode controller handles the request
// a broker hands it (KafkaController.electLeaders): decided and written on the controller's loop, fenced by its epoch.
public sealed partial class KafkaController
{
    private const short UnknownTopicOrPartition = 3, PreferredLeaderNotAvailable = 80, EligibleLeadersNotAvailable = 83, ElectionNotNeeded = 84;

    /// <summary>
    /// Elects leaders now: preferred (the first assigned replica, when alive and in the ISR) or unclean (a live ISR
    /// member, else any live replica, only for partitions without a live leader). Completes once the state writes are
    /// done (brokers learn them through the LeaderAndIsr that follows), with one outcome per partition.
    /// </summary>
    /// <param name="partitions">Null: every partition the controller knows.</param>
    /// <exception cref="NotControllerException">This broker is not the active controller.</exception>
    public async Task<IReadOnlyList<ElectionOutcome>> ElectLeadersAsync(bool unclean, IReadOnlyList<(string Topic, int Partition)>? partitions,
        CancellationToken ct = default)
    {
        if (!_active) throw new NotControllerException($"broker {_options.BrokerId} is not the active controller");
        var reply = new TaskCompletionSource<IReadOnlyList<ElectionOutcome>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ControllerEvent.ElectLeaders(unclean, partitions, reply));
        return await reply.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task OnElectLeadersAsync(ControllerEvent.ElectLeaders request)
    {
        if (!_active)
        {
            request.Reply.TrySetException(new NotControllerException($"broker {_options.BrokerId} is not the active controller"));
            return;
        }

        var asked = request.Partitions ?? _topics.SelectMany(t => t.Value.Partitions.Keys.Select(p => (t.Key, p))).OrderBy(x => x.Key, StringComparer.Ordinal).ThenBy(x => x.p).ToList();
        var outcomes = new Dictionary<(string, int), ElectionOutcome>();
        var toWrite = new List<(string Topic, int Partition)>();
        var shuttingDown = ShuttingDownIds();
        string strategy = request.Unclean ? "UncleanLeaderElectionStrategy" : "PreferredReplicaPartitionLeaderElectionStrategy";
        foreach (var (topic, partition) in asked)
        {
            if (!_topics.TryGetValue(topic, out var assignment) || !assignment.Partitions.TryGetValue(partition, out var replicas))
            {
                outcomes[(topic, partition)] = new(topic, partition, UnknownTopicOrPartition, "The partition does not exist.");
                continue;
            }

            var current = _states.GetValueOrDefault((topic, partition))?.State;
            var next = current is null ? null : Decide(request.Unclean, topic, partition, replicas, current, shuttingDown);
            if (current is not null && NotNeeded(request.Unclean, topic, partition, replicas, current))
                outcomes[(topic, partition)] = new(topic, partition, ElectionNotNeeded, "Leader election not needed for topic partition.");
            else if (next is null || next.Leader < 0)
                outcomes[(topic, partition)] = new(topic, partition, request.Unclean ? EligibleLeadersNotAvailable : PreferredLeaderNotAvailable,
                    $"Failed to elect leader for partition {topic}-{partition} under strategy {strategy}");
            else
                toWrite.Add((topic, partition));
        }

        if (toWrite.Count > 0)
        {
            await ApplyAsync(toWrite, (topic, partition, replicas, current) => ValueTask.FromResult(current is null
                ? null
                : Decide(request.Unclean, topic, partition, replicas, current, shuttingDown)), request.Unclean ? "unclean election (admin)" : "preferred replica (admin)", _stop.Token).ConfigureAwait(false);
            foreach (var (topic, partition) in toWrite)
            {
                var state = _states.GetValueOrDefault((topic, partition))?.State;
                // Written (or, after a conflict, found) in the wanted shape: the preferred replica leads, or a live one does.
                bool elected = state is not null && _topics.TryGetValue(topic, out var a) && a.Partitions.TryGetValue(partition, out var r)
                    && NotNeeded(request.Unclean, topic, partition, r, state);
                outcomes[(topic, partition)] = elected
                    ? new(topic, partition, 0, null)
                    : new(topic, partition, request.Unclean ? EligibleLeadersNotAvailable : PreferredLeaderNotAvailable,
                        $"Failed to elect leader for partition {topic}-{partition} under strategy {strategy}");
            }
        }

        request.Reply.TrySetResult(asked.Select(tp => outcomes[tp]).ToList());
    }

    /// <summary>Preferred: the first replica already leads. Unclean: a live leader exists.</summary>
    private bool NotNeeded(bool unclean, string topic, int partition, int[] replicas, PartitionStateZNode current) => unclean
        ? current.Leader >= 0 && LiveReplicasOf(topic, partition).Contains(current.Leader)
        : replicas.Length > 0 && current.Leader == replicas[0];

    private PartitionStateZNode? Decide(bool unclean, string topic, int partition, int[] replicas, PartitionStateZNode current, IReadOnlySet<int> shuttingDown) =>
        unclean
            ? PartitionElection.Elect(current, replicas, LiveReplicasOf(topic, partition), uncleanElection: true, _epoch)
            : PartitionElection.Preferred(current, replicas, LiveReplicasOf(topic, partition), shuttingDown, _epoch);
}
