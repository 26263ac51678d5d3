namespace Broker.Server.Cluster;

// The controller's UpdateMetadata applied to the cache (Kafka's ZooKeeper-era MetadataCache.updateMetadata).
public sealed partial class MetadataCache
{
    /// <summary>
    /// Applies an UpdateMetadata request: the live broker list and the controller are replaced; each partition state
    /// replaces that partition's (adding the topic or partition when new); a state with leader
    /// <see cref="MetadataUpdate.LeaderDuringDelete"/> removes the partition, and a topic left without partitions
    /// disappears (clients then get UNKNOWN_TOPIC_OR_PARTITION, as from Kafka once deletion started). Topics the
    /// request does not mention, their topic configs and pending deletions are kept. Returns the partitions removed.
    /// The caller has checked the controller and broker epochs.
    /// </summary>
    public IReadOnlyList<(string Topic, int Partition)> ApplyUpdateMetadata(MetadataUpdate update)
    {
        var removed = new List<(string, int)>();
        lock (_writeLock)
        {
            var current = _snapshot;
            var topics = new Dictionary<string, TopicInfo>(current.Topics, StringComparer.Ordinal);
            var droppedConfigs = new List<string>();
            foreach (var group in update.Partitions.GroupBy(s => s.Topic, StringComparer.Ordinal))
            {
                topics.TryGetValue(group.Key, out var existing);
                var byIndex = (existing?.Partitions ?? []).ToDictionary(p => p.Partition);
                var topicId = existing?.TopicId ?? default;
                foreach (var state in group)
                {
                    if (!state.TopicId.Equals(Broker.Protocol.KafkaUuid.Zero)) topicId = state.TopicId;
                    if (state.Info.Leader == MetadataUpdate.LeaderDuringDelete)
                    {
                        if (byIndex.Remove(state.Info.Partition)) removed.Add((group.Key, state.Info.Partition));
                    }
                    else
                    {
                        byIndex[state.Info.Partition] = state.Info;
                    }
                }

                if (byIndex.Count == 0)
                {
                    // Its configs go too: a re-created topic of the same name loads its own.
                    if (topics.Remove(group.Key) && current.Configs.ContainsKey(group.Key)) droppedConfigs.Add(group.Key);
                    continue;
                }

                topics[group.Key] = new TopicInfo(group.Key, topicId, byIndex.Values.OrderBy(p => p.Partition).ToList(),
                    existing?.IsInternal ?? Server.Topics.TopicName.IsInternal(group.Key));
            }

            var configs = current.Configs;
            if (droppedConfigs.Count > 0)
            {
                var kept = new Dictionary<string, IReadOnlyDictionary<string, string>>(current.Configs, StringComparer.Ordinal);
                foreach (var t in droppedConfigs) kept.Remove(t);
                configs = kept;
            }

            _snapshot = current with { Brokers = update.LiveBrokers, ControllerId = update.ControllerId, Topics = topics, Configs = configs };
        }

        Published.Notify();
        return removed;
    }
}
