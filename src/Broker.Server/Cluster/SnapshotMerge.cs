namespace Broker.Server.Cluster;

/// <summary>
/// Merges a view read from ZooKeeper with what controller requests published while the read was under way: the read
/// started from <c>before</c>; <c>now</c> is the cache at the end. Whatever differs between the two (by reference:
/// UpdateMetadata replaces exactly the topics and broker list it touches) was pushed meanwhile and is newer than the
/// read, so it wins: a topic added, changed or removed by a request, and the live broker list and controller. Everything
/// else comes from the read (so drift is repaired), as do topic configs and pending deletions. Pure function.
/// </summary>
internal static class SnapshotMerge
{
    public static ClusterSnapshot PushesWin(ClusterSnapshot before, ClusterSnapshot now, ClusterSnapshot read)
    {
        if (ReferenceEquals(before, now)) return read;
        bool brokersPushed = !ReferenceEquals(before.Brokers, now.Brokers) || before.ControllerId != now.ControllerId;
        var topics = new Dictionary<string, TopicInfo>(StringComparer.Ordinal);
        foreach (var (name, fromRead) in read.Topics)
        {
            bool hadBefore = before.Topics.TryGetValue(name, out var old);
            bool hasNow = now.Topics.TryGetValue(name, out var current);
            if (hadBefore && !hasNow) continue; // removed by a request during the read
            topics[name] = hasNow && !(hadBefore && ReferenceEquals(old, current)) ? current! : fromRead;
        }

        foreach (var (name, current) in now.Topics)
        {
            if (read.Topics.ContainsKey(name) || read.PendingDeletions.Contains(name)) continue;
            bool unchanged = before.Topics.TryGetValue(name, out var old) && ReferenceEquals(old, current);
            if (!unchanged) topics[name] = current; // added or changed by a request during the read
        }

        // Configs loaded for a topic a request announced during the read (the read did not see it yet) are kept.
        var configs = new Dictionary<string, IReadOnlyDictionary<string, string>>(read.Configs, StringComparer.Ordinal);
        foreach (var (name, config) in now.Configs)
        {
            if (topics.ContainsKey(name) && !configs.ContainsKey(name)) configs[name] = config;
        }

        return read with
        {
            Configs = configs,
            Brokers = brokersPushed ? now.Brokers : read.Brokers,
            ControllerId = brokersPushed ? now.ControllerId : read.ControllerId,
            Topics = topics,
        };
    }
}
