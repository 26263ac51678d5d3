using Broker.Coordination.ZNodes;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Controller;

// Partition reassignment (KIP-455), as Kafka's ZooKeeper-mode controller (onPartitionReassignment). Loop-owned.
//
// With ORS the origin replicas, TRS the target and RS = TRS + ORS (distinct, target first):
//   start:    the topic znode gets RS with adding_replicas = TRS - ORS and removing_replicas = ORS - TRS, the leader
//             epoch is bumped, so every replica of RS gets LeaderAndIsr and the new ones start fetching;
//   complete: once every TRS member is in the ISR: a leader from TRS (the current one when it is in TRS), ISR ∩ TRS,
//             leader epoch bumped; then the topic znode gets TRS alone, RS - TRS get StopReplica(delete), and the
//             partition leaves /admin/reassign_partitions (the node is deleted when empty).
// Completion is checked after every ISR change notification. In-flight reassignments live in the topic znodes, so a
// new controller resumes them; a cancellation is a reassignment back to ORS (the adding replicas are stopped).
public sealed partial class KafkaController
{
    private const short NoReassignmentInProgress = 85, InvalidReplicaAssignment = 39;

    /// <summary>Target replicas of every partition being reassigned (from the topic znodes).</summary>
    private readonly Dictionary<(string Topic, int Partition), int[]> _reassignments = new();

    private Func<Broker.ZooKeeper.WatchedEvent, Task>? _onReassignRequest;

    private Func<Broker.ZooKeeper.WatchedEvent, Task> OnReassignRequest => _onReassignRequest ??= Posting(_ => new ReassignmentRequested());

    /// <summary>/admin/reassign_partitions was created or changed.</summary>
    private sealed record ReassignmentRequested : ControllerEvent;

    /// <summary>An admin's AlterPartitionReassignments: a null target cancels; the reply has an error code (0 = ok) per partition.</summary>
    private sealed record AlterReassignments(IReadOnlyDictionary<(string Topic, int Partition), int[]?> Targets,
        TaskCompletionSource<IReadOnlyDictionary<(string Topic, int Partition), (short Error, string? Message)>> Reply) : ControllerEvent
    {
        public override void Fail(Exception error) => Reply.TrySetException(error);
    }

    /// <summary>
    /// Starts (or, with a null target, cancels) reassignments, as Kafka's AlterPartitionReassignments: each answer is
    /// given once the reassignment has started (the topic znode written), not when it completes.
    /// </summary>
    /// <exception cref="NotControllerException">This broker is not the active controller.</exception>
    public async Task<IReadOnlyDictionary<(string Topic, int Partition), (short Error, string? Message)>> AlterReassignmentsAsync(
        IReadOnlyDictionary<(string Topic, int Partition), int[]?> targets, CancellationToken ct = default)
    {
        if (!_active) throw new NotControllerException($"broker {_options.BrokerId} is not the active controller");
        var reply = new TaskCompletionSource<IReadOnlyDictionary<(string, int), (short, string?)>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new AlterReassignments(targets, reply));
        return await reply.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The partitions being reassigned (all when <paramref name="partitions"/> is null) with their replicas, adding and
    /// removing replicas, as ListPartitionReassignments answers.
    /// </summary>
    public async Task<IReadOnlyList<(string Topic, int Partition, int[] Replicas, int[] Adding, int[] Removing)>> ListReassignmentsAsync(
        IReadOnlyCollection<(string Topic, int Partition)>? partitions, CancellationToken ct = default)
    {
        if (!_active) throw new NotControllerException($"broker {_options.BrokerId} is not the active controller");
        var result = new List<(string, int, int[], int[], int[])>();
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ControllerEvent.Inspect(() =>
        {
            foreach (var (topic, assignment) in _topics.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                foreach (var (p, replicas) in assignment.Partitions.OrderBy(kv => kv.Key))
                {
                    if (!assignment.IsBeingReassigned(p) || (partitions is not null && !partitions.Contains((topic, p)))) continue;
                    result.Add((topic, p, replicas, assignment.AddingReplicas.GetValueOrDefault(p) ?? [], assignment.RemovingReplicas.GetValueOrDefault(p) ?? []));
                }
            }
        }, reply));
        await reply.Task.WaitAsync(ct).ConfigureAwait(false);
        return result;
    }

    private Task HandleReassignmentEventAsync(ControllerEvent e) => e switch
    {
        ReassignmentRequested => OnReassignmentRequestedAsync(),
        AlterReassignments alter => OnAlterReassignmentsAsync(alter),
        _ => Task.CompletedTask,
    };

    /// <summary>Rebuilds the in-flight reassignments of a (re)loaded topic from its znode.</summary>
    private void TrackReassignments(string topic, TopicZNode assignment)
    {
        foreach (var key in _reassignments.Keys.Where(k => k.Topic == topic).ToList()) _reassignments.Remove(key);
        foreach (var p in assignment.Partitions.Keys.Where(assignment.IsBeingReassigned))
            _reassignments[(topic, p)] = assignment.TargetReplicas(p);
    }

    /// <summary>Taking office: resume what the topic znodes say is in flight, then look at /admin/reassign_partitions.</summary>
    private async Task ResumeReassignmentsAsync()
    {
        if (_reassignments.Count > 0) LogReassignmentsResumed(_reassignments.Count);
        await OnReassignmentRequestedAsync().ConfigureAwait(false);
        await CompleteReassignmentsAsync(_reassignments.Keys.ToList(), _stop.Token).ConfigureAwait(false);
    }

    private async Task OnReassignmentRequestedAsync()
    {
        var ct = _stop.Token;
        ReassignPartitionsZNode? request;
        try
        {
            request = await _store.GetReassignmentRequestAsync(OnReassignRequest, ct).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            LogBadReassignRequest(ex.Message);
            await _store.SetReassignmentRequestFencedAsync(_epochZkVersion, null, ct).ConfigureAwait(false);
            return;
        }

        if (request is null) return;
        var finished = new List<(string Topic, int Partition)>(); // refused, or nothing left to do
        var started = new List<(string Topic, int Partition)>();
        foreach (var (key, target) in request.Partitions)
        {
            if (_reassignments.TryGetValue(key, out var running) && running.SequenceEqual(target)) continue; // already under way
            var (error, message, done) = await StartReassignmentAsync(key, target, ct).ConfigureAwait(false);
            if (error != 0) LogReassignmentRefused(key.Topic, key.Partition, message ?? "");
            if (error != 0 || done) finished.Add(key);
            else started.Add(key);
        }

        if (finished.Count > 0) await RemoveFromRequestAsync(finished, ct).ConfigureAwait(false);
        await CompleteReassignmentsAsync(started, ct).ConfigureAwait(false);
    }

    private async Task OnAlterReassignmentsAsync(AlterReassignments alter)
    {
        var ct = _stop.Token;
        var answers = new Dictionary<(string, int), (short, string?)>();
        var started = new List<(string Topic, int Partition)>();
        var finished = new List<(string Topic, int Partition)>();
        foreach (var (key, target) in alter.Targets)
        {
            var (error, message, done) = await StartReassignmentAsync(key, target, ct).ConfigureAwait(false);
            answers[key] = (error, message);
            if (error == 0 && !done) started.Add(key);
            if (done) finished.Add(key);
        }

        if (finished.Count > 0) await RemoveFromRequestAsync(finished, ct).ConfigureAwait(false);
        await CompleteReassignmentsAsync(started, ct).ConfigureAwait(false);
        alter.Reply.TrySetResult(answers);
    }

    /// <summary>
    /// Step A (or a cancellation, <paramref name="target"/> null = back to the origin replicas): validates, writes
    /// RS/AR/RR to the topic znode and bumps the leader epoch. Replicas of an earlier reassignment that the new one no
    /// longer needs leave the ISR and get StopReplica(delete).
    /// </summary>
    /// <returns>An error (0 = started) and whether the partition needs nothing more (its target is its origin: a
    /// cancellation, or a reorder of the same replicas), so it leaves /admin/reassign_partitions at once.</returns>
    private async Task<(short Error, string? Message, bool Done)> StartReassignmentAsync((string Topic, int Partition) key, int[]? target, CancellationToken ct)
    {
        var (topic, partition) = key;
        if (!_topics.TryGetValue(topic, out var assignment) || !assignment.Partitions.TryGetValue(partition, out var current) || _deleting.Contains(topic))
            return (UnknownTopicOrPartition, "The partition does not exist.", false);

        if (target is null)
        {
            if (!assignment.IsBeingReassigned(partition)) return (NoReassignmentInProgress, $"No ongoing reassignment for partition {topic}-{partition}.", false);
            target = assignment.OriginReplicas(partition);
        }
        else if (target.Length == 0)
        {
            return (InvalidReplicaAssignment, $"Empty replica list specified in partition reassignment for {topic}-{partition}.", false);
        }
        else if (target.Distinct().Count() != target.Length)
        {
            return (InvalidReplicaAssignment, $"Duplicate replica ids in partition reassignment replica list: {string.Join(",", target)}", false);
        }
        else if (target.Any(r => r < 0 || !_live.Contains(r)))
        {
            return (InvalidReplicaAssignment, $"The proposed assignment contains non-live brokers: {string.Join(",", target.Where(r => !_live.Contains(r)))}", false);
        }

        int[] origin = assignment.OriginReplicas(partition);
        int[] full = target.Concat(origin).Distinct().ToArray();
        int[] adding = target.Except(origin).ToArray();
        int[] removing = origin.Except(target).ToArray();
        if (!assignment.IsBeingReassigned(partition) && current.SequenceEqual(target)) return (0, null, true); // nothing to move

        var next = WithPartition(assignment, partition, full, adding, removing);
        await _store.SetTopicAssignmentFencedAsync(_epochZkVersion, next, ct).ConfigureAwait(false);
        _topics[topic] = next;
        OnAssignmentChanged(topic, assignment, next); // StopReplica(delete) for the unneeded replicas; new replicas get LeaderAndIsr
        TrackReassignments(topic, next);
        LogReassignmentStarted(topic, partition, string.Join(",", origin), string.Join(",", target), string.Join(",", adding), string.Join(",", removing));

        // A2: bump the leader epoch (dropping unneeded replicas from the ISR), so every replica applies the new list.
        var shuttingDown = ShuttingDownIds();
        await ApplyAsync([key], (t, p, replicas, state) =>
            ValueTask.FromResult(state is null ? null : PartitionElection.Reassigned(state, full, LiveReplicasOf(t, p), shuttingDown, _epoch)),
            "reassignment started", ct).ConfigureAwait(false);
        return (0, null, adding.Length == 0 && removing.Length == 0);
    }

    /// <summary>Steps B3–B6 for each partition whose target replicas are all in the ISR.</summary>
    private async Task CompleteReassignmentsAsync(IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var shuttingDown = ShuttingDownIds();
        var done = new List<(string Topic, int Partition)>();
        foreach (var key in partitions.Distinct().ToList())
        {
            if (!_reassignments.TryGetValue(key, out var target) || !_states.TryGetValue(key, out var read)) continue;
            if (!target.All(read.State.Isr.Contains)) continue; // still catching up

            await ApplyAsync([key], (t, p, replicas, state) =>
                ValueTask.FromResult(state is null ? null : PartitionElection.Reassigned(state, target, LiveReplicasOf(t, p), shuttingDown, _epoch)),
                "reassignment completing", ct).ConfigureAwait(false);
            if (!_states.TryGetValue(key, out var after) || !target.Contains(after.State.Leader) || !after.State.Isr.All(target.Contains))
                continue; // no leader in the target yet (or a conflict left for later): checked again at the next ISR change

            var assignment = _topics[key.Topic];
            var next = WithPartition(assignment, key.Partition, target, [], []);
            await _store.SetTopicAssignmentFencedAsync(_epochZkVersion, next, ct).ConfigureAwait(false);
            _topics[key.Topic] = next;
            OnAssignmentChanged(key.Topic, assignment, next); // B5: StopReplica(delete) to RS - TRS
            TrackReassignments(key.Topic, next);
            LogReassignmentCompleted(key.Topic, key.Partition, string.Join(",", target), after.State.Leader, after.State.LeaderEpoch);
            done.Add(key);
        }

        if (done.Count > 0) await RemoveFromRequestAsync(done, ct).ConfigureAwait(false);
    }

    /// <summary>Drops partitions from /admin/reassign_partitions (deleting the node when none remains).</summary>
    private async Task RemoveFromRequestAsync(IReadOnlyCollection<(string Topic, int Partition)> keys, CancellationToken ct)
    {
        var request = await _store.GetReassignmentRequestAsync(null, ct).ConfigureAwait(false);
        if (request is null || !keys.Any(request.Partitions.ContainsKey)) return;
        var remaining = request.Partitions.Where(kv => !keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        await _store.SetReassignmentRequestFencedAsync(_epochZkVersion, new ReassignPartitionsZNode(remaining), ct).ConfigureAwait(false);
    }

    private static TopicZNode WithPartition(TopicZNode assignment, int partition, int[] replicas, int[] adding, int[] removing)
    {
        static Dictionary<int, int[]> Set(IReadOnlyDictionary<int, int[]> map, int p, int[] value)
        {
            var copy = map.ToDictionary(kv => kv.Key, kv => kv.Value);
            if (value.Length == 0) copy.Remove(p);
            else copy[p] = value;
            return copy;
        }

        return assignment with
        {
            Partitions = Set(assignment.Partitions, partition, replicas),
            AddingReplicas = Set(assignment.AddingReplicas, partition, adding),
            RemovingReplicas = Set(assignment.RemovingReplicas, partition, removing),
        };
    }

    [LoggerMessage(3800, LogLevel.Information, "Controller: reassignment of {Topic}-{Partition} started: {Origin} -> {Target} (adding {Adding}, removing {Removing})")]
    private partial void LogReassignmentStarted(string topic, int partition, string origin, string target, string adding, string removing);

    [LoggerMessage(3801, LogLevel.Information, "Controller: reassignment of {Topic}-{Partition} completed: replicas {Target}, leader {Leader}, leader epoch {LeaderEpoch}")]
    private partial void LogReassignmentCompleted(string topic, int partition, string target, int leader, int leaderEpoch);

    [LoggerMessage(3802, LogLevel.Warning, "Controller: reassignment of {Topic}-{Partition} in /admin/reassign_partitions refused: {Reason}")]
    private partial void LogReassignmentRefused(string topic, int partition, string reason);

    [LoggerMessage(3803, LogLevel.Warning, "Controller: /admin/reassign_partitions is unreadable and was deleted: {Reason}")]
    private partial void LogBadReassignRequest(string reason);

    [LoggerMessage(3804, LogLevel.Information, "Controller: resuming {Count} partition reassignment(s) found in the topic znodes")]
    private partial void LogReassignmentsResumed(int count);
}
