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
/// The ZooKeeper reads of this broker's cluster view: the complete read at start-up (before the listeners open), the
/// periodic reconcile that repairs drift, and the <c>/config/changes</c> watch (topic config overrides). Leadership,
/// ISRs, live brokers, the controller, new and deleted topics come from the controller's LeaderAndIsr,
/// UpdateMetadata and StopReplica requests (Kafka's ZooKeeper-era design); this broker no longer watches topic
/// assignments, partition states, <c>/brokers/ids</c>, <c>/controller</c> or <c>/admin/delete_topics</c>, so a change
/// costs it no ZooKeeper read. A read publishes its snapshot merged with the cache: whatever a controller request
/// changed while the read was under way wins (the read may be older), and a hosted replica is never moved back to
/// an older leader epoch or partition epoch. Both run under the <see cref="ControllerRequestFence"/>, so a read's
/// effects never interleave with a request's.
/// The view lives in <see cref="MetadataCache"/> and the local roles are applied by <see cref="LeadershipApplier"/>:
/// the same two types the controller's UpdateMetadata/LeaderAndIsr/StopReplica handlers use.
/// Thread-safety: readers see the cache's current snapshot; refreshes run one at a time on a loop.
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
    private readonly MetadataCache _cache;
    private readonly LeadershipApplier _applier;
    private readonly ControllerRequestFence _fence;
    private Task? _loop;

    private readonly TimeProvider _time;

    /// <summary>A cluster view with its own cache and applier (tests).</summary>
    public ZkClusterMetadata(KafkaZkStore store, BrokerConfig config, ReplicaManager replicas, TimeProvider time, ILoggerFactory loggers)
        : this(store, config, replicas, new MetadataCache(config.BrokerId), null, time, loggers)
    {
    }

    /// <param name="applier">Shared with the controller-request handlers; created over <paramref name="cache"/> when null.</param>
    /// <param name="fence">The controller requests' fence (shared with their handlers); a private one when null.</param>
    public ZkClusterMetadata(KafkaZkStore store, BrokerConfig config, ReplicaManager replicas, MetadataCache cache, LeadershipApplier? applier,
        TimeProvider time, ILoggerFactory loggers, ControllerRequestFence? fence = null)
    {
        _fence = fence ?? new ControllerRequestFence(() => -1);
        _store = store;
        _config = config;
        _replicas = replicas;
        _time = time;
        _cache = cache;
        cache.ConfigLoader = (topic, ct) => _store.GetTopicConfigAsync(topic, ct);
        _logger = loggers.CreateLogger<ZkClusterMetadata>();
        _applier = applier ?? new LeadershipApplier(config, replicas, cache, time, loggers);
        replicas.IsrWriter = new ZkIsrWriter(store, this);
        _onChange = _ =>
        {
            RequestRefresh();
            return Task.CompletedTask;
        };
        store.Client.SessionReestablished += () =>
        {
            if (IsLoaded) _ = FollowControllerAsync(); // the old session's watch is gone
            RequestRefresh();
            return Task.CompletedTask;
        };
    }

    /// <summary>Complete reads of the layout so far (start-up, reconciles, config changes), for tests and logs.</summary>
    public int FullReads => Volatile.Read(ref _fullReads);

    private int _fullReads;

    /// <summary>The view this refresher publishes to (and clients are answered from).</summary>
    public MetadataCache Cache => _cache;

    public string ClusterId
    {
        get => _cache.ClusterId;
        set => _cache.ClusterId = value;
    }

    public int ControllerId => _cache.ControllerId;

    public int LocalBrokerId => _config.BrokerId;

    public IReadOnlyList<BrokerNode> Brokers => _cache.Brokers;

    public IReadOnlyCollection<TopicInfo> Topics => _cache.Topics;

    /// <summary>Topic configuration overrides from <c>/config/topics</c>, as of the last refresh.</summary>
    public IReadOnlyDictionary<string, string> TopicConfig(string topic) => _cache.TopicConfig(topic);

    /// <summary>True while <c>/admin/delete_topics/&lt;name&gt;</c> exists, as of the last refresh.</summary>
    public bool IsDeletionPending(string name) => _cache.IsDeletionPending(name);

    public bool TryGetTopic(string name, out TopicInfo topic) => _cache.TryGetTopic(name, out topic);

    public bool TryGetTopic(KafkaUuid id, out TopicInfo topic) => _cache.TryGetTopic(id, out topic);

    /// <summary>True once the first complete view was read and applied (the broker serves clients only after).</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>Reads the layout once (so the broker starts with a complete view) and starts following changes.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await RefreshAsync(reconcile: false, ct).ConfigureAwait(false);
        await FollowControllerAsync().ConfigureAwait(false);
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
            var next = _cache.Published.WaitAsync();
            if (condition(this)) return true;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            // The controller's requests bring the change: no ZooKeeper polling.
            await Task.WhenAny(next, Task.Delay(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200), ct)).ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var request in _refreshRequests.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                // Every read after start-up reports drift (the timer's, a config change's, a retry's, a new
                // session's): whatever it repairs differed from ZooKeeper without a request saying so.
                Interlocked.Exchange(ref _reconcileDue, 0);
                try
                {
                    await RefreshAsync(reconcile: true, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
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
    /// Reads the whole layout (no watches but <c>/config/changes</c>), applies it locally and publishes it. With
    /// <paramref name="reconcile"/>, first reports hosted partitions whose local role drifted from what was read
    /// (see <see cref="ReportDrift"/>).
    /// Topics queued for deletion are left out of the view (as Kafka's brokers drop them from their metadata cache
    /// when deletion starts) and their local logs are deleted, even while the controller waits for other replicas.
    /// </summary>
    private async Task RefreshAsync(bool reconcile, CancellationToken ct)
    {
        Interlocked.Increment(ref _fullReads);
        var before = _cache.Current; // what a controller request changes from here on wins over this read
        var brokers = await _store.GetBrokersAsync(null, ct).ConfigureAwait(false);
        int controller = await _store.GetControllerIdAsync(null, ct).ConfigureAwait(false);
        await _store.GetConfigChangesAsync(_onChange, ct).ConfigureAwait(false);
        var deleting = (await _store.GetTopicDeletionsAsync(null, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var live = brokers.Select(b => b.Id).ToHashSet();
        var topics = new Dictionary<string, TopicInfo>(StringComparer.Ordinal);
        var configs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in await _store.GetTopicNamesAsync(null, ct).ConfigureAwait(false))
        {
            if (deleting.Contains(name)) continue;
            var assignment = await _store.GetTopicAsync(name, null, ct).ConfigureAwait(false);
            if (assignment is null) continue;
            var partitions = new List<PartitionInfo>();
            foreach (var (p, replicas) in assignment.Partitions.OrderBy(kv => kv.Key))
            {
                var state = await _store.GetPartitionStateAsync(name, p, null, ct).ConfigureAwait(false);
                partitions.Add(state is null
                    ? new PartitionInfo(p, -1, -1, replicas, []) { OfflineReplicas = OfflineReplicasOf(name, p, replicas, live, before) }
                    : new PartitionInfo(p, state.State.Leader, state.State.LeaderEpoch, replicas, state.State.Isr)
                    {
                        OfflineReplicas = OfflineReplicasOf(name, p, replicas, live, before),
                        StateVersion = state.ZkVersion,
                        ControllerEpoch = state.State.ControllerEpoch,
                    });
            }

            var id = assignment.TopicId is { } s && KafkaUuid.TryParse(s, out var parsed) ? parsed : KafkaUuid.Zero;
            topics[name] = new TopicInfo(name, id, partitions, Server.Topics.TopicName.IsInternal(name));
            configs[name] = await _store.GetTopicConfigAsync(name, ct).ConfigureAwait(false);
        }

        var nodes = brokers.Select(b => ToNode(b)).Where(n => n is not null).Select(n => n!).ToList();
        var read = new ClusterSnapshot(nodes, controller, topics, configs, deleting);
        _fence.RunLocal(() =>
        {
            var next = SnapshotMerge.PushesWin(before, _cache.Current, read);
            if (reconcile) ReportDrift(next);
            // Kafka's order: a broker acts on LeaderAndIsr before the UpdateMetadata that tells clients, so a client that
            // reads "leader = this broker" and produces at once is accepted (and an offsets partition is owned before
            // FindCoordinator names this broker). Deletions go the other way: clients stop seeing the topic first.
            ApplyLocally(next);
            var previous = _cache.Publish(next);
            RemoveDeleted(previous, next);
            return 0;
        });
    }

    private BrokerNode? ToNode(BrokerIdZNode broker)
    {
        var endpoint = broker.Endpoints.FirstOrDefault(e => e.ListenerName == _config.InterBrokerListenerName) ?? broker.Endpoints.FirstOrDefault();
        return endpoint is null ? null : new BrokerNode(broker.Id, endpoint.Host, endpoint.Port, broker.Rack) { Endpoints = broker.Endpoints };
    }

    /// <summary>Hosts this broker's replicas and sets leadership, before <paramref name="next"/> is published.</summary>
    private void ApplyLocally(ClusterSnapshot next)
    {
        foreach (var topic in next.Topics.Values)
        {
            var topicConfig = next.TopicConfig(topic.Name);
            foreach (var p in topic.Partitions)
            {
                if (IsOlderThanHosted(topic, p)) continue; // a controller request already brought a newer state
                _applier.Apply(topic.Name, topic.TopicId, p, topicConfig);
            }
        }
    }

    /// <summary>Removes the local logs of topics deleted (or being deleted), after the view without them is published.</summary>
    private void RemoveDeleted(ClusterSnapshot previous, ClusterSnapshot next)
    {
        foreach (var gone in previous.Topics.Keys.Where(t => !next.Topics.ContainsKey(t)).Union(next.PendingDeletions))
        {
            if (_applier.DeleteTopic(gone) > 0 || previous.Topics.ContainsKey(gone)) LogTopicDeleted(gone);
        }
    }

    /// <summary>True when the hosted replica of the same topic is at a newer leader epoch, or a newer partition epoch of the same one.</summary>
    private bool IsOlderThanHosted(TopicInfo topic, PartitionInfo p) =>
        _replicas.TryGet(topic.Name, p.Partition, out var hosted)
        && (topic.TopicId.Equals(KafkaUuid.Zero) || hosted.TopicId.Equals(topic.TopicId))
        && (hosted.LeaderEpoch > p.LeaderEpoch || (hosted.LeaderEpoch == p.LeaderEpoch && hosted.StateVersion > p.StateVersion));

    /// <summary>Stops every replica fetcher (controlled shutdown, before the logs close).</summary>
    public ValueTask StopFetchersAsync() => _applier.StopFetchersAsync();

    private int _disposed;

    /// <summary>Idempotent: the lifecycle disposes it at shutdown and the DI container again at exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_reconcileTimer is not null) await _reconcileTimer.DisposeAsync().ConfigureAwait(false);
        _refreshRequests.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        await _applier.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(500, LogLevel.Warning, "Cluster metadata refresh failed ({Reason}); retrying")]
    private partial void LogRefreshFailed(string reason);

    [LoggerMessage(502, LogLevel.Information, "Topic {Topic} was deleted (or is being deleted); removed its local partitions")]
    private partial void LogTopicDeleted(string topic);
}
