using Broker.Protocol;

namespace Broker.Server.Cluster;

// Topic config overrides of topics the controller announces (they are not part of LeaderAndIsr/UpdateMetadata).
public sealed partial class MetadataCache
{
    /// <summary>
    /// Reads a topic's config overrides (<c>/config/topics/&lt;t&gt;</c>); set by the ZooKeeper view. Null: configs
    /// come only from full reads (tests without ZooKeeper).
    /// </summary>
    public Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? ConfigLoader { get; set; }

    /// <summary>
    /// Loads the config overrides of each topic of <paramref name="topics"/> the cache has none for, or has them for
    /// another incarnation (<paramref name="topics"/> names a topic id the cache's topic does not have), as Kafka's
    /// brokers read a topic's config from ZooKeeper when they first create its log. The controller's requests carry
    /// no configs, and topic creation writes no config change notification: without this a new topic's replicas
    /// would run with the broker defaults (min.insync.replicas, cleanup.policy, retention) until the next reconcile.
    /// One read per new topic. A failed read is skipped (the periodic reconcile reads it). Call it before taking the
    /// <see cref="ControllerRequestFence"/> (it does I/O). Thread-safe.
    /// </summary>
    public async Task LoadMissingConfigsAsync(IEnumerable<(string Topic, KafkaUuid TopicId)> topics, CancellationToken ct)
    {
        if (ConfigLoader is not { } load) return;
        foreach (var (topic, id) in topics.Distinct())
        {
            var snapshot = _snapshot;
            bool sameIncarnation = id.Equals(KafkaUuid.Zero) || !snapshot.Topics.TryGetValue(topic, out var known)
                || known.TopicId.Equals(KafkaUuid.Zero) || known.TopicId.Equals(id);
            if (snapshot.Configs.ContainsKey(topic) && sameIncarnation) continue;
            IReadOnlyDictionary<string, string> config;
            try
            {
                config = await load(topic, ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                continue;
            }

            lock (_writeLock)
            {
                var configs = new Dictionary<string, IReadOnlyDictionary<string, string>>(_snapshot.Configs, StringComparer.Ordinal) { [topic] = config };
                _snapshot = _snapshot with { Configs = configs };
            }
        }
    }
}
