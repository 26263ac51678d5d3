using System.Threading.Channels;
using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Controller;

/// <summary>Controller settings.</summary>
public sealed record ControllerOptions(int BrokerId, bool UncleanLeaderElection = false);

/// <summary>
/// The ZooKeeper-mode controller. Every broker runs one; the one that creates the ephemeral <c>/controller</c> node
/// (atomically with bumping <c>/controller_epoch</c>) is active. The active controller watches brokers, topics and
/// deletion requests, and writes partition leadership to <c>/brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state</c>.
/// Every write is fenced by the controller epoch's zkVersion, so a deposed controller cannot write.
/// Threading: watches only post events; one loop applies them, so the fields below are touched by that loop only
/// (except the volatile status fields, which are for observers).
/// </summary>
public sealed partial class KafkaController : IAsyncDisposable
{
    private readonly Channel<ControllerEvent> _events = Channel.CreateUnbounded<ControllerEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly KafkaZkStore _store;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    // Loop-owned state of the active controller.
    private int _epochZkVersion;
    private HashSet<int> _live = [];
    private readonly Dictionary<string, TopicZNode> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), PartitionStateRead> _states = new();

    private volatile bool _active;
    private volatile int _epoch;

    public KafkaController(KafkaZkStore store, ControllerOptions options, TimeProvider time, ILogger<KafkaController> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>True while this broker is the active controller.</summary>
    public bool IsActive => _active;

    /// <summary>The controller epoch this broker won, when active.</summary>
    public int Epoch => _epoch;

    public void Start()
    {
        _store.Client.SessionReestablished += () =>
        {
            Post(new ControllerEvent.SessionReestablished());
            return Task.CompletedTask;
        };
        _loop = Task.Run(RunAsync);
        Post(new ControllerEvent.Elect());
    }

    private void Post(ControllerEvent e) => _events.Writer.TryWrite(e);

    // One delegate per kind of watch: the client keeps watchers in a set, so re-arming a path with the same delegate
    // never piles up callbacks.
    private Func<WatchedEvent, Task>? _onElect, _onBrokers, _onTopics, _onTopic, _onDeletions;

    private Func<WatchedEvent, Task> OnElect => _onElect ??= Posting(_ => new ControllerEvent.Elect());

    private Func<WatchedEvent, Task> OnBrokers => _onBrokers ??= Posting(_ => new ControllerEvent.BrokersChanged());

    private Func<WatchedEvent, Task> OnTopics => _onTopics ??= Posting(_ => new ControllerEvent.TopicsChanged());

    private Func<WatchedEvent, Task> OnTopic => _onTopic ??= Posting(w => new ControllerEvent.TopicChanged(w.Path![(TopicZNode.Root.Length + 1)..]));

    private Func<WatchedEvent, Task> OnDeletions => _onDeletions ??= Posting(_ => new ControllerEvent.DeletionsRequested());

    private Func<WatchedEvent, Task> Posting(Func<WatchedEvent, ControllerEvent> toEvent) => w =>
    {
        if (w.Type != WatchedEventType.None && w.Path is not null) Post(toEvent(w));
        return Task.CompletedTask;
    };

    private async Task RunAsync()
    {
        await foreach (var e in _events.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false).WithCancellation(_stop.Token))
        {
            try
            {
                await HandleAsync(e).ConfigureAwait(false);
            }
            catch (BadVersionException ex) when (ex.Path == ControllerEpochZNode.Path)
            {
                LogFenced(_options.BrokerId, _epoch);
                _active = false;
                Post(new ControllerEvent.Elect());
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (ZooKeeperException ex) when (ex is ConnectionLossException or SessionExpiredException or OperationTimeoutException)
            {
                // The client reconnects on its own; try again once it has.
                LogRetry(e.GetType().Name, ex.Message);
                _ = RetryLaterAsync(_active ? new ControllerEvent.Resync() : e);
            }
            catch (Exception ex)
            {
                LogEventFailed(ex, e.GetType().Name);
                _ = RetryLaterAsync(_active ? new ControllerEvent.Resync() : new ControllerEvent.Elect());
            }
        }
    }

    private async Task RetryLaterAsync(ControllerEvent e)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, _stop.Token).ConfigureAwait(false);
            Post(e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task HandleAsync(ControllerEvent e) => e switch
    {
        ControllerEvent.Elect => ElectAsync(),
        ControllerEvent.SessionReestablished => OnSessionReestablishedAsync(),
        _ when !_active => Task.CompletedTask, // stale watch of a former term
        ControllerEvent.BrokersChanged => OnBrokersChangedAsync(),
        ControllerEvent.TopicsChanged => OnTopicsChangedAsync(),
        ControllerEvent.TopicChanged t => OnTopicChangedAsync(t.Topic),
        ControllerEvent.DeletionsRequested => OnDeletionsRequestedAsync(),
        ControllerEvent.Resync => OnBecomeActiveAsync(),
        _ => Task.CompletedTask,
    };

    private Task OnSessionReestablishedAsync()
    {
        // The old session's /controller node and watches are gone: whatever we were, start over.
        _active = false;
        return ElectAsync();
    }

    private async Task ElectAsync()
    {
        var ct = _stop.Token;
        int current = await _store.GetControllerIdAsync(OnElect, ct).ConfigureAwait(false);
        if (current == _options.BrokerId && _active) return;
        if (current >= 0)
        {
            if (_active) LogResigned(_options.BrokerId, current);
            _active = false;
            return;
        }

        var won = await _store.TryElectControllerAsync(_options.BrokerId, _time.GetUtcNow().ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
        if (won is null)
        {
            await _store.GetControllerIdAsync(OnElect, ct).ConfigureAwait(false);
            return;
        }

        _epoch = won.Value.Epoch;
        _epochZkVersion = won.Value.ZkVersion;
        _active = true;
        LogElected(_options.BrokerId, _epoch);
        await OnBecomeActiveAsync().ConfigureAwait(false);
    }

    private async Task OnBecomeActiveAsync()
    {
        var ct = _stop.Token;
        _topics.Clear();
        _states.Clear();
        await RefreshLiveBrokersAsync(ct).ConfigureAwait(false);
        foreach (var topic in await _store.GetTopicNamesAsync(OnTopics, ct).ConfigureAwait(false))
            await LoadTopicAsync(topic, ct).ConfigureAwait(false);
        await ElectAllAsync(ct).ConfigureAwait(false);
        await OnDeletionsRequestedAsync().ConfigureAwait(false);
    }

    private async Task RefreshLiveBrokersAsync(CancellationToken ct)
    {
        var brokers = await _store.GetBrokersAsync(OnBrokers, ct).ConfigureAwait(false);
        var live = brokers.Select(b => b.Id).ToHashSet();
        if (!live.SetEquals(_live)) LogLiveBrokers(string.Join(",", live.Order()));
        _live = live;
    }

    private async Task LoadTopicAsync(string topic, CancellationToken ct)
    {
        var assignment = await _store.GetTopicAsync(topic, OnTopic, ct).ConfigureAwait(false);
        if (assignment is null)
        {
            _topics.Remove(topic);
            return;
        }

        _topics[topic] = assignment;
        foreach (var p in assignment.Partitions.Keys)
        {
            if (await _store.GetPartitionStateAsync(topic, p, null, ct).ConfigureAwait(false) is { } state) _states[(topic, p)] = state;
            else _states.Remove((topic, p));
        }
    }

    private async Task OnBrokersChangedAsync()
    {
        await RefreshLiveBrokersAsync(_stop.Token).ConfigureAwait(false);
        await ElectAllAsync(_stop.Token).ConfigureAwait(false);
    }

    private async Task OnTopicsChangedAsync()
    {
        var ct = _stop.Token;
        var names = (await _store.GetTopicNamesAsync(OnTopics, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _topics.Keys.Where(t => !names.Contains(t)).ToList())
        {
            _topics.Remove(gone);
            foreach (var key in _states.Keys.Where(k => k.Topic == gone).ToList()) _states.Remove(key);
        }

        foreach (var added in names.Where(t => !_topics.ContainsKey(t)).ToList()) await LoadTopicAsync(added, ct).ConfigureAwait(false);
        await ElectAllAsync(ct).ConfigureAwait(false);
    }

    private async Task OnTopicChangedAsync(string topic)
    {
        await LoadTopicAsync(topic, _stop.Token).ConfigureAwait(false);
        await ElectAllAsync(_stop.Token).ConfigureAwait(false);
    }

    /// <summary>Brings every partition to the state the election rules want, writing only what changes.</summary>
    private async Task ElectAllAsync(CancellationToken ct)
    {
        var writes = new List<ZooKeeperOp>();
        var updated = new List<(string Topic, int Partition, PartitionStateZNode State)>();
        foreach (var (topic, assignment) in _topics)
        {
            foreach (var (partition, replicas) in assignment.Partitions)
            {
                if (!_states.TryGetValue((topic, partition), out var current))
                {
                    var initial = PartitionElection.Initial(replicas, _live, _epoch);
                    await _store.Client.EnsurePathAsync(PartitionStateZNode.PartitionPath(topic, partition), ct).ConfigureAwait(false);
                    writes.Add(ZooKeeperOp.Create(PartitionStateZNode.PathOf(topic, partition), initial.Encode()));
                    updated.Add((topic, partition, initial));
                    LogLeader(topic, partition, initial.Leader, initial.LeaderEpoch, "new partition");
                    continue;
                }

                var next = PartitionElection.Elect(current.State, replicas, _live, _options.UncleanLeaderElection, _epoch);
                if (next is null) continue;
                writes.Add(ZooKeeperOp.SetData(PartitionStateZNode.PathOf(topic, partition), next.Encode(), current.ZkVersion));
                updated.Add((topic, partition, next));
                LogLeader(topic, partition, next.Leader, next.LeaderEpoch, next.Leader < 0 ? "no live in-sync replica" : "leader change");
            }
        }

        // Fenced in batches: one multi per chunk keeps requests small.
        for (int i = 0; i < writes.Count; i += 100)
        {
            await _store.FencedMultiAsync(_epochZkVersion, writes.Skip(i).Take(100), ct).ConfigureAwait(false);
        }

        foreach (var (topic, partition, _) in updated)
        {
            if (await _store.GetPartitionStateAsync(topic, partition, null, ct).ConfigureAwait(false) is { } read) _states[(topic, partition)] = read;
        }
    }

    private async Task OnDeletionsRequestedAsync()
    {
        var ct = _stop.Token;
        var requested = await _store.GetTopicDeletionsAsync(OnDeletions, ct).ConfigureAwait(false);
        foreach (var topic in requested)
        {
            // Fence: only the controller in office deletes.
            await _store.FencedMultiAsync(_epochZkVersion, [], ct).ConfigureAwait(false);
            await _store.DeleteRecursiveAsync(TopicZNode.PathOf(topic), ct).ConfigureAwait(false);
            await _store.DeleteRecursiveAsync(TopicConfigZNode.PathOf(topic), ct).ConfigureAwait(false);
            await _store.DeleteRecursiveAsync(DeleteTopicZNode.PathOf(topic), ct).ConfigureAwait(false);
            _topics.Remove(topic);
            foreach (var key in _states.Keys.Where(k => k.Topic == topic).ToList()) _states.Remove(key);
            LogDeleted(topic);
        }
    }

    private int _disposed;

    /// <summary>Idempotent: the lifecycle disposes it at shutdown and the DI container again at exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _events.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }

        _stop.Dispose();
    }

    [LoggerMessage(400, LogLevel.Information, "Broker {BrokerId} is now the controller (epoch {Epoch})")]
    private partial void LogElected(int brokerId, int epoch);

    [LoggerMessage(401, LogLevel.Information, "Broker {BrokerId} is no longer the controller; broker {Current} is")]
    private partial void LogResigned(int brokerId, int current);

    [LoggerMessage(402, LogLevel.Warning, "Broker {BrokerId}: controller epoch {Epoch} was superseded; stepping down")]
    private partial void LogFenced(int brokerId, int epoch);

    [LoggerMessage(403, LogLevel.Information, "Controller: live brokers are now [{Brokers}]")]
    private partial void LogLiveBrokers(string brokers);

    [LoggerMessage(404, LogLevel.Information, "Controller: {Topic}-{Partition} leader {Leader} epoch {LeaderEpoch} ({Reason})")]
    private partial void LogLeader(string topic, int partition, int leader, int leaderEpoch, string reason);

    [LoggerMessage(405, LogLevel.Information, "Controller: deleted topic {Topic}")]
    private partial void LogDeleted(string topic);

    [LoggerMessage(406, LogLevel.Warning, "Controller: {Event} interrupted ({Reason}); retrying")]
    private partial void LogRetry(string @event, string reason);

    [LoggerMessage(407, LogLevel.Error, "Controller: handling {Event} failed; retrying")]
    private partial void LogEventFailed(Exception ex, string @event);
}
