using System.Threading.Channels;
using Broker.Coordination;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Server.Replication;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

/// <summary>
/// The cluster as this broker sees it in ZooKeeper mode, and the partitions it hosts because of it.
/// Every broker watches the controller's output in ZooKeeper (brokers, controller, topic assignments, partition
/// states) instead of receiving LeaderAndIsr/UpdateMetadata requests: any watch firing schedules one refresh that
/// re-reads the layout, applies it locally (host the partitions this broker is a replica of, set leadership and leader
/// epochs), publishes it as an immutable snapshot, then deletes the logs of deleted topics.
/// Thread-safety: readers see the current snapshot (a volatile reference); refreshes run one at a time on a loop.
/// </summary>
public sealed partial class ZkClusterMetadata : IClusterMetadata, IAsyncDisposable
{
    private readonly KafkaZkStore _store;
    private readonly BrokerConfig _config;
    private readonly ReplicaManager _replicas;
    private readonly ILogger _logger;
    private readonly Channel<bool> _refreshRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<WatchedEvent, Task> _onChange;
    private readonly ChangeSignal _published = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private Task? _loop;

    private readonly ReplicaFetcherManager _fetchers;
    private readonly TimeProvider _time;

    public ZkClusterMetadata(KafkaZkStore store, BrokerConfig config, ReplicaManager replicas, TimeProvider time, ILoggerFactory loggers)
    {
        _store = store;
        _config = config;
        _replicas = replicas;
        _time = time;
        _logger = loggers.CreateLogger<ZkClusterMetadata>();
        _fetchers = new ReplicaFetcherManager(config, this, time, loggers.CreateLogger<ReplicaFetcherManager>());
        replicas.IsrWriter = new ZkIsrWriter(store, this);
        _onChange = _ =>
        {
            if (DropWatchNotifications) return Task.CompletedTask;
            Volatile.Write(ref _watchFired, 1);
            RequestRefresh();
            return Task.CompletedTask;
        };
        store.Client.SessionReestablished += () =>
        {
            Volatile.Write(ref _watchFired, 1);
            RequestRefresh();
            return Task.CompletedTask;
        };
    }

    public string ClusterId { get; set; } = "";

    public int ControllerId => _snapshot.ControllerId;

    public int LocalBrokerId => _config.BrokerId;

    public IReadOnlyList<BrokerNode> Brokers => _snapshot.Brokers;

    public IReadOnlyCollection<TopicInfo> Topics => _snapshot.Topics.Values.ToArray();

    /// <summary>Topic configuration overrides from <c>/config/topics</c>, as of the last refresh.</summary>
    public IReadOnlyDictionary<string, string> TopicConfig(string topic) =>
        _snapshot.Configs.TryGetValue(topic, out var c) ? c : new Dictionary<string, string>();

    /// <summary>True while <c>/admin/delete_topics/&lt;name&gt;</c> exists, as of the last refresh.</summary>
    public bool IsDeletionPending(string name) => _snapshot.PendingDeletions.Contains(name);

    public bool TryGetTopic(string name, out TopicInfo topic) => _snapshot.Topics.TryGetValue(name, out topic!);

    public bool TryGetTopic(KafkaUuid id, out TopicInfo topic)
    {
        topic = _snapshot.Topics.Values.FirstOrDefault(t => t.TopicId.Equals(id))!;
        return topic is not null;
    }

    /// <summary>True once the first complete view was read and applied (the broker serves clients only after).</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>Reads the layout once (so the broker starts with a complete view) and starts following changes.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await RefreshAsync(reconcile: false, watchFiredBefore: true, ct).ConfigureAwait(false);
        IsLoaded = true;
        _loop = Task.Run(RunAsync);
        StartReconcileTimer();
    }

    public void RequestRefresh() => _refreshRequests.Writer.TryWrite(true);

    /// <summary>Waits until the published view satisfies <paramref name="condition"/>; false on timeout.</summary>
    public async Task<bool> WaitForAsync(Func<IClusterMetadata, bool> condition, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var next = _published.WaitAsync();
            if (condition(this)) return true;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            RequestRefresh();
            await Task.WhenAny(next, Task.Delay(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200), ct)).ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var request in _refreshRequests.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                bool reconcile = Interlocked.Exchange(ref _reconcileDue, 0) == 1;
                bool watchFired = Interlocked.Exchange(ref _watchFired, 0) == 1;
                try
                {
                    await RefreshAsync(reconcile, watchFired, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    if (reconcile) Volatile.Write(ref _reconcileDue, 1); // the retry reconciles instead
                    LogRefreshFailed(ex.Message);
                    _ = RetryAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RetryAsync()
    {
        try
        {
            await Task.Delay(500, _stop.Token).ConfigureAwait(false);
            RequestRefresh();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Reads the whole layout (arming every watch again), applies it locally and publishes it. With
    /// <paramref name="reconcile"/>, first reports hosted partitions whose local role drifted from what was read
    /// (see <see cref="ReportDrift"/>; <paramref name="watchFiredBefore"/>: a notification arrived since the last one).
    /// Topics queued for deletion are left out of the view (as Kafka's brokers drop them from their metadata cache
    /// when deletion starts) and their local logs are deleted, even while the controller waits for other replicas.
    /// </summary>
    private async Task RefreshAsync(bool reconcile, bool watchFiredBefore, CancellationToken ct)
    {
        var brokers = await _store.GetBrokersAsync(_onChange, ct).ConfigureAwait(false);
        int controller = await _store.GetControllerIdAsync(_onChange, ct).ConfigureAwait(false);
        await _store.GetConfigChangesAsync(_onChange, ct).ConfigureAwait(false);
        var deleting = (await _store.GetTopicDeletionsAsync(_onChange, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var live = brokers.Select(b => b.Id).ToHashSet();
        var topics = new Dictionary<string, TopicInfo>(StringComparer.Ordinal);
        var configs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in await _store.GetTopicNamesAsync(_onChange, ct).ConfigureAwait(false))
        {
            if (deleting.Contains(name)) continue;
            var assignment = await _store.GetTopicAsync(name, _onChange, ct).ConfigureAwait(false);
            if (assignment is null) continue;
            var partitions = new List<PartitionInfo>();
            foreach (var (p, replicas) in assignment.Partitions.OrderBy(kv => kv.Key))
            {
                var state = await _store.GetPartitionStateAsync(name, p, _onChange, ct).ConfigureAwait(false);
                partitions.Add(state is null
                    ? new PartitionInfo(p, -1, -1, replicas, []) { OfflineReplicas = replicas.Where(r => !live.Contains(r)).ToArray() }
                    : new PartitionInfo(p, state.State.Leader, state.State.LeaderEpoch, replicas, state.State.Isr)
                    {
                        OfflineReplicas = replicas.Where(r => !live.Contains(r)).ToArray(),
                        StateVersion = state.ZkVersion,
                        ControllerEpoch = state.State.ControllerEpoch,
                    });
            }

            var id = assignment.TopicId is { } s && KafkaUuid.TryParse(s, out var parsed) ? parsed : KafkaUuid.Zero;
            topics[name] = new TopicInfo(name, id, partitions, Server.Topics.TopicName.IsInternal(name));
            configs[name] = await _store.GetTopicConfigAsync(name, ct).ConfigureAwait(false);
        }

        var nodes = brokers.Select(b => ToNode(b)).Where(n => n is not null).Select(n => n!).ToList();
        var previous = _snapshot;
        var next = new Snapshot(nodes, controller, topics, configs, deleting);
        if (reconcile) ReportDrift(next, watchFiredBefore);
        // Kafka's order: a broker acts on LeaderAndIsr before the UpdateMetadata that tells clients, so a client that
        // reads "leader = this broker" and produces at once is accepted (and an offsets partition is owned before
        // FindCoordinator names this broker). Deletions go the other way: clients stop seeing the topic first.
        ApplyLocally(next);
        _snapshot = next;
        RemoveDeleted(previous, next);
        _published.Notify();
    }

    private BrokerNode? ToNode(BrokerIdZNode broker)
    {
        var endpoint = broker.Endpoints.FirstOrDefault(e => e.ListenerName == _config.InterBrokerListenerName) ?? broker.Endpoints.FirstOrDefault();
        return endpoint is null ? null : new BrokerNode(broker.Id, endpoint.Host, endpoint.Port, broker.Rack);
    }

    /// <summary>Hosts this broker's replicas and sets leadership, before <paramref name="next"/> is published.</summary>
    private void ApplyLocally(Snapshot next)
    {
        int self = _config.BrokerId;
        foreach (var topic in next.Topics.Values)
        {
            var logConfig = Server.Topics.TopicConfigs.ToLogConfig(_config, next.Configs[topic.Name].Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)));
            foreach (var p in topic.Partitions)
            {
                var id = new Storage.TopicPartition(topic.Name, p.Partition);
                if (!p.Replicas.Contains(self))
                {
                    // Moved away from this broker: stop copying it and delete the replica (Kafka's StopReplica).
                    if (!_replicas.TryGet(topic.Name, p.Partition, out _)) continue;
                    _fetchers.Unfollow(id);
                    _replicas.StopReplica(id);
                    LogReplicaRemoved(topic.Name, p.Partition, string.Join(",", p.Replicas));
                    continue;
                }

                if (_replicas.TryGet(topic.Name, p.Partition, out var hosted) && !hosted.TopicId.Equals(topic.TopicId) && !topic.TopicId.Equals(KafkaUuid.Zero))
                {
                    // Same name, new topic: the local log belongs to a deleted incarnation.
                    LogRecreated(topic.Name, hosted.TopicId.ToString(), topic.TopicId.ToString());
                    foreach (var old in _replicas.All.Where(h => h.Id.Topic == topic.Name).ToList()) _fetchers.Unfollow(old.Id);
                    _replicas.DeleteTopic(topic.Name);
                }

                var partition = _replicas.Host(id, topic.TopicId, logConfig, leader: false);
                partition.Log.Config = logConfig;
                partition.MinInsyncReplicas = MinInsyncReplicasOf(next.Configs[topic.Name]);
                bool wasLeader = partition.IsLeader;
                if (p.Leader == self)
                {
                    _fetchers.Unfollow(id);
                    if (partition.MakeLeader(p.LeaderEpoch, p.Replicas, p.Isr, p.StateVersion))
                        LogRole(topic.Name, p.Partition, "leader", p.LeaderEpoch);
                }
                else
                {
                    if (partition.MakeFollower(p.Leader, p.LeaderEpoch, p.Replicas, p.Isr, p.StateVersion))
                        LogRole(topic.Name, p.Partition, p.Leader < 0 ? "follower (partition offline)" : $"follower of {p.Leader}", p.LeaderEpoch);
                    _fetchers.Follow(partition, p.Leader, p.LeaderEpoch);
                }

                if (wasLeader != partition.IsLeader) _replicas.OnLeadershipChanged(partition);
            }
        }
    }

    /// <summary>Removes the local logs of topics deleted (or being deleted), after the view without them is published.</summary>
    private void RemoveDeleted(Snapshot previous, Snapshot next)
    {
        foreach (var gone in previous.Topics.Keys.Where(t => !next.Topics.ContainsKey(t)).Union(next.PendingDeletions))
        {
            foreach (var hosted in _replicas.All.Where(h => h.Id.Topic == gone).ToList()) _fetchers.Unfollow(hosted.Id);
            if (_replicas.DeleteTopic(gone) > 0 || previous.Topics.ContainsKey(gone)) LogTopicDeleted(gone);
        }
    }

    private int MinInsyncReplicasOf(IReadOnlyDictionary<string, string> topicConfig) =>
        topicConfig.TryGetValue("min.insync.replicas", out var v) && int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out int n)
            ? n
            : _config.MinInsyncReplicas;

    /// <summary>Stops every replica fetcher (controlled shutdown, before the logs close).</summary>
    public ValueTask StopFetchersAsync() => _fetchers.DisposeAsync();

    private int _disposed;

    /// <summary>Idempotent: the lifecycle disposes it at shutdown and the DI container again at exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_reconcileTimer is not null) await _reconcileTimer.DisposeAsync().ConfigureAwait(false);
        _refreshRequests.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        await _fetchers.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed record Snapshot(
        IReadOnlyList<BrokerNode> Brokers,
        int ControllerId,
        IReadOnlyDictionary<string, TopicInfo> Topics,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Configs,
        IReadOnlySet<string> PendingDeletions)
    {
        public static readonly Snapshot Empty = new([], -1, new Dictionary<string, TopicInfo>(), new Dictionary<string, IReadOnlyDictionary<string, string>>(), new HashSet<string>());
    }

    [LoggerMessage(500, LogLevel.Warning, "Cluster metadata refresh failed ({Reason}); retrying")]
    private partial void LogRefreshFailed(string reason);

    [LoggerMessage(501, LogLevel.Information, "Partition {Topic}-{Partition}: this broker is now {Role} (leader epoch {LeaderEpoch})")]
    private partial void LogRole(string topic, int partition, string role, int leaderEpoch);

    [LoggerMessage(502, LogLevel.Information, "Topic {Topic} was deleted (or is being deleted); removed its local partitions")]
    private partial void LogTopicDeleted(string topic);

    [LoggerMessage(549, LogLevel.Information, "Partition {Topic}-{Partition}: this broker is no longer a replica (replicas [{Replicas}]); stopped and deleted the local replica")]
    private partial void LogReplicaRemoved(string topic, int partition, string replicas);

    [LoggerMessage(503, LogLevel.Warning, "Topic {Topic} was recreated (id {Old} -> {New}); removing the old local partitions")]
    private partial void LogRecreated(string topic, string old, string @new);
}
