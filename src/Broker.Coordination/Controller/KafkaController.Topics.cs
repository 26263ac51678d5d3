using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

// Topic assignments and deletions (loop-owned).
public sealed partial class KafkaController
{
    private List<(string Topic, int Partition)> AllPartitions() =>
        _topics.SelectMany(t => t.Value.Partitions.Keys.Select(p => (t.Key, p))).ToList();

    private async Task LoadTopicAsync(string topic, CancellationToken ct)
    {
        var assignment = await _store.GetTopicAsync(topic, OnTopic, ct).ConfigureAwait(false);
        if (assignment is null)
        {
            ForgetTopic(topic);
            return;
        }

        var old = _topics.GetValueOrDefault(topic);
        _topics[topic] = assignment;
        OnAssignmentChanged(topic, old, assignment);
        TrackReassignments(topic, assignment);
        foreach (var p in assignment.Partitions.Keys) await RereadAsync(topic, p, ct).ConfigureAwait(false);
    }

    private void ForgetTopic(string topic)
    {
        _topics.Remove(topic);
        foreach (var key in _reassignments.Keys.Where(k => k.Topic == topic).ToList()) _reassignments.Remove(key);
        foreach (var key in _states.Keys.Where(k => k.Topic == topic).ToList()) _states.Remove(key);
    }

    private async Task OnTopicsChangedAsync()
    {
        var ct = _stop.Token;
        var names = (await _store.GetTopicNamesAsync(OnTopics, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _topics.Keys.Where(t => !names.Contains(t)).ToList()) ForgetTopic(gone);

        var added = names.Where(t => !_topics.ContainsKey(t)).ToList();
        foreach (var topic in added) await LoadTopicAsync(topic, ct).ConfigureAwait(false);
        await ReconcileAsync(added.Where(_topics.ContainsKey).SelectMany(t => _topics[t].Partitions.Keys.Select(p => (t, p))).ToList(), ct).ConfigureAwait(false);
    }

    private async Task OnTopicChangedAsync(string topic)
    {
        await LoadTopicAsync(topic, _stop.Token).ConfigureAwait(false);
        if (_topics.TryGetValue(topic, out var assignment))
            await ReconcileAsync(assignment.Partitions.Keys.Select(p => (topic, p)).ToList(), _stop.Token).ConfigureAwait(false);
    }

    /// <summary>Topics whose deletion waits for an offline replica's broker (to log the wait once per topic).</summary>
    private readonly HashSet<string> _deletionsWaiting = new(StringComparer.Ordinal);

    /// <summary>
    /// Carries out the requests under <c>/admin/delete_topics</c>. As Kafka's TopicDeletionManager, a topic with a
    /// replica on an offline broker is not deleted yet: its znodes (and the request) stay, so the name cannot be
    /// re-created and the offline broker, when it returns, still finds the request and deletes its local logs (every
    /// broker deletes the logs of topics listed there whenever it reads the layout). The deletion completes on the
    /// broker change that makes every replica's broker live again. Brokers that were live drop the topic from their
    /// view and delete their logs as soon as the request appears.
    /// </summary>
    private async Task OnDeletionsRequestedAsync()
    {
        var ct = _stop.Token;
        var requested = await _store.GetTopicDeletionsAsync(OnDeletions, ct).ConfigureAwait(false);
        _deletionsWaiting.IntersectWith(requested);
        _deleting.Clear();
        _deleting.UnionWith(requested);
        foreach (var topic in requested)
        {
            // Brokers drop the topic and delete their replicas now, even while the deletion waits for offline ones
            // (those get the StopReplica when they register again and this runs once more).
            if (_topics.TryGetValue(topic, out var announced)) AnnounceDeletion(topic, announced);

            if (_topics.TryGetValue(topic, out var assignment))
            {
                var offline = assignment.Partitions.Values.SelectMany(r => r).Distinct().Where(b => !_live.Contains(b)).Order().ToList();
                if (offline.Count > 0)
                {
                    if (_deletionsWaiting.Add(topic)) LogDeletionWaits(topic, string.Join(",", offline));
                    continue;
                }
            }

            // Fence: only the controller in office deletes.
            await _store.FencedMultiAsync(_epochZkVersion, [], ct).ConfigureAwait(false);
            await _store.DeleteRecursiveAsync(TopicZNode.PathOf(topic), ct).ConfigureAwait(false);
            await _store.DeleteRecursiveAsync(TopicConfigZNode.PathOf(topic), ct).ConfigureAwait(false);
            await _store.DeleteRecursiveAsync(DeleteTopicZNode.PathOf(topic), ct).ConfigureAwait(false);
            _deletionsWaiting.Remove(topic);
            // Done: a topic re-created under this name before the next look at /admin/delete_topics must not be
            // announced as deleted (brokers would drop it and never get its LeaderAndIsr).
            _deleting.Remove(topic);
            ForgetTopic(topic);
            LogDeleted(topic);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(417, Microsoft.Extensions.Logging.LogLevel.Warning, "Controller: deletion of topic {Topic} waits for its replicas on offline broker(s) {Brokers}")]
    private partial void LogDeletionWaits(string topic, string brokers);
}
