using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Server.Replication;
using Broker.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

/// <summary>
/// Applies partition states to this broker's replicas (Kafka's ReplicaManager.becomeLeaderOrFollower and
/// stopReplicas): hosts the local replica, makes it leader or follower at the given leader epoch, starts or stops its
/// fetcher, and stops (and deletes) replicas that moved away or whose topic was deleted. Both the ZooKeeper refresh
/// (<see cref="ZkClusterMetadata"/>) and the controller's requests (LeaderAndIsr, StopReplica handlers) go through it.
/// It decides nothing about staleness: callers check epochs first. Owns the replica fetchers.
/// Thread-safety: callers serialise calls (the refresh loop, or the controller-request fence); the replicas and
/// fetchers it drives are thread-safe themselves.
/// </summary>
public sealed partial class LeadershipApplier : IAsyncDisposable
{
    private readonly BrokerConfig _config;
    private readonly DynamicBrokerConfig? _dynamic;
    private readonly ReplicaManager _replicas;
    private readonly ReplicaFetcherManager _fetchers;
    private readonly ILogger _logger;

    /// <param name="brokers">Where leaders' addresses are looked up (the metadata cache).</param>
    /// <param name="dynamic">The dynamic broker configs (KIP-226) topic defaults come from; the static config when null.</param>
    public LeadershipApplier(BrokerConfig config, ReplicaManager replicas, IClusterMetadata brokers, TimeProvider time, ILoggerFactory loggers,
        DynamicBrokerConfig? dynamic = null)
    {
        _config = config;
        _dynamic = dynamic;
        _replicas = replicas;
        _logger = loggers.CreateLogger<LeadershipApplier>();
        _fetchers = new ReplicaFetcherManager(config, brokers, time, loggers.CreateLogger<ReplicaFetcherManager>());
    }

    public int LocalBrokerId => _config.BrokerId;

    /// <summary>
    /// Makes the local replica of <paramref name="topic"/>-<paramref name="state"/>.Partition what
    /// <paramref name="state"/> says: leader when its leader is this broker, else a follower of that leader (-1: the
    /// partition is offline; the replica waits). A replica not in <paramref name="state"/>'s replicas is stopped and
    /// deleted instead (it moved away). A hosted log of another topic id (a deleted incarnation of the name) is
    /// deleted first. Raises <see cref="ReplicaManager.LeadershipChanged"/> when leadership changed.
    /// </summary>
    /// <param name="topicConfig">The topic's config overrides (log settings, min.insync.replicas).</param>
    public void Apply(string topic, KafkaUuid topicId, PartitionInfo state, IReadOnlyDictionary<string, string> topicConfig)
    {
        int self = _config.BrokerId;
        var id = new TopicPartition(topic, state.Partition);
        if (_replicas.IsInOfflineDir(topic, state.Partition)) return; // stopped until restart (StopReplicasIn)
        if (!state.Replicas.Contains(self))
        {
            if (!_replicas.TryGet(topic, state.Partition, out _)) return;
            StopReplica(id, delete: true);
            LogReplicaRemoved(topic, state.Partition, string.Join(",", state.Replicas));
            return;
        }

        if (_replicas.TryGet(topic, state.Partition, out var hosted) && !hosted.TopicId.Equals(topicId) && !topicId.Equals(KafkaUuid.Zero))
        {
            // Same name, new topic: the local log belongs to a deleted incarnation.
            LogRecreated(topic, hosted.TopicId.ToString(), topicId.ToString());
            DeleteTopic(topic);
        }

        var logConfig = Server.Topics.TopicConfigs.ToLogConfig(Effective, topicConfig.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)));
        var partition = _replicas.Host(id, topicId, logConfig, leader: false);
        partition.Log.Config = logConfig;
        partition.MinInsyncReplicas = MinInsyncReplicasOf(topicConfig);
        bool wasLeader = partition.IsLeader;
        if (state.Leader == self)
        {
            _fetchers.Unfollow(id);
            if (partition.MakeLeader(state.LeaderEpoch, state.Replicas, state.Isr, state.StateVersion))
                LogRole(topic, state.Partition, "leader", state.LeaderEpoch);
        }
        else
        {
            if (partition.MakeFollower(state.Leader, state.LeaderEpoch, state.Replicas, state.Isr, state.StateVersion))
                LogRole(topic, state.Partition, state.Leader < 0 ? "follower (partition offline)" : $"follower of {state.Leader}", state.LeaderEpoch);
            _fetchers.Follow(partition, state.Leader, state.LeaderEpoch);
        }

        if (wasLeader != partition.IsLeader) _replicas.OnLeadershipChanged(partition);
    }

    /// <summary>
    /// Stops the local replica (Kafka's StopReplica): its fetcher stops; with <paramref name="delete"/> it is no
    /// longer hosted (waiters fail, leadership change raised) and its log is deleted, also when only the log exists
    /// on disk (a topic deleted while this broker was down). Without delete the replica stays hosted in its role.
    /// Returns true when a hosted replica or a log was removed.
    /// </summary>
    public bool StopReplica(TopicPartition id, bool delete)
    {
        _fetchers.Unfollow(id);
        if (!delete) return false;
        if (_replicas.StopReplica(id)) return true;
        return _replicas.Logs.DeletePartition(id.Topic, id.Partition);
    }

    /// <summary>Stops every replica of <paramref name="topic"/> and deletes its logs (hosted or only on disk); returns how many logs were deleted.</summary>
    public int DeleteTopic(string topic)
    {
        foreach (var hosted in _replicas.All.Where(h => h.Id.Topic == topic).ToList()) _fetchers.Unfollow(hosted.Id);
        return _replicas.DeleteTopic(topic);
    }

    private int MinInsyncReplicasOf(IReadOnlyDictionary<string, string> topicConfig) =>
        topicConfig.TryGetValue("min.insync.replicas", out var v) && int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out int n)
            ? n
            : Effective.MinInsyncReplicas;

    /// <summary>The broker config topic defaults come from now (dynamic layers applied).</summary>
    private BrokerConfig Effective => _dynamic?.Current ?? _config;

    /// <summary>Stops every replica fetcher (controlled shutdown, before the logs close). Idempotent.</summary>
    public ValueTask StopFetchersAsync() => _fetchers.DisposeAsync();

    public ValueTask DisposeAsync() => _fetchers.DisposeAsync();

    [LoggerMessage(501, LogLevel.Information, "Partition {Topic}-{Partition}: this broker is now {Role} (leader epoch {LeaderEpoch})")]
    private partial void LogRole(string topic, int partition, string role, int leaderEpoch);

    [LoggerMessage(549, LogLevel.Information, "Partition {Topic}-{Partition}: this broker is no longer a replica (replicas [{Replicas}]); stopped and deleted the local replica")]
    private partial void LogReplicaRemoved(string topic, int partition, string replicas);

    [LoggerMessage(503, LogLevel.Warning, "Topic {Topic} was recreated (id {Old} -> {New}); removing the old local partitions")]
    private partial void LogRecreated(string topic, string old, string @new);
}
