using System.Threading.Channels;
using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Controller;

/// <summary>
/// The ZooKeeper-mode controller. Every broker runs one; the one that creates the ephemeral <c>/controller</c> node
/// (atomically with bumping <c>/controller_epoch</c>) is active. The active controller watches brokers, topics, ISR
/// change notifications and deletion requests, and writes partition leadership to
/// <c>/brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state</c>. Every write is a compare-and-set on the partition's
/// zkVersion, in a multi with a check of the controller epoch's zkVersion, so a deposed controller cannot write and a
/// leader's concurrent ISR change is never overwritten (the controller re-reads and decides again).
/// Threading: watches, the rebalance timer and callers only post events; one loop applies them, so the fields below
/// are touched by that loop only (except the volatile status fields, which are for observers).
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
    private ITimer? _rebalanceTimer;

    // Loop-owned state of the active controller.
    private int _epochZkVersion;
    private HashSet<int> _live = [];
    private IReadOnlyDictionary<int, long> _brokerEpochs = new Dictionary<int, long>();

    /// <summary>Brokers in controlled shutdown, with the broker epoch they asked with: never elected while here.</summary>
    private readonly Dictionary<int, long> _shuttingDown = new();
    private readonly Dictionary<string, TopicZNode> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), PartitionStateRead> _states = new();

    /// <summary>The controller epoch of an election attempt whose outcome is unknown (its reply may have been lost).</summary>
    private int? _attemptedEpoch;

    /// <summary>Test hook: runs after an election multi was answered, before the answer is used; throwing from it
    /// simulates a reply lost to a connection loss (the multi applied, the broker never saw it).</summary>
    internal Func<Task>? ElectionReplyFault { get; set; }

    private volatile bool _active;
    private volatile int _epoch;

    /// <param name="channel">Where requests to brokers go (LeaderAndIsr, UpdateMetadata, StopReplica); none when null.</param>
    public KafkaController(KafkaZkStore store, ControllerOptions options, TimeProvider time, ILogger<KafkaController> logger, IControllerChannel? channel = null)
    {
        _store = store;
        _channel = channel ?? NullControllerChannel.Instance;
        _channel.StaleControllerEpoch += epoch => OnStaleControllerEpoch(epoch);
        ListenForLeaderAndIsrAnswers();
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
        if (_options.AutoLeaderRebalance)
        {
            var period = _options.LeaderImbalanceCheckInterval;
            _rebalanceTimer = _time.CreateTimer(_ => Post(new ControllerEvent.PreferredElection(null)), null, period, period);
        }
    }

    private void Post(ControllerEvent e)
    {
        if (!_events.Writer.TryWrite(e)) e.Fail(new NotControllerException("the controller has stopped"));
    }

    // One delegate per kind of watch: the client keeps watchers in a set, so re-arming a path with the same delegate
    // never piles up callbacks.
    private Func<WatchedEvent, Task>? _onElect, _onBrokers, _onTopics, _onTopic, _onDeletions, _onIsrChanges;

    private Func<WatchedEvent, Task> OnElect => _onElect ??= Posting(_ => new ControllerEvent.Elect());

    private Func<WatchedEvent, Task> OnBrokers => _onBrokers ??= Posting(_ => new ControllerEvent.BrokersChanged());

    private Func<WatchedEvent, Task> OnTopics => _onTopics ??= Posting(_ => new ControllerEvent.TopicsChanged());

    private Func<WatchedEvent, Task> OnTopic => _onTopic ??= Posting(w => new ControllerEvent.TopicChanged(w.Path![(TopicZNode.Root.Length + 1)..]));

    private Func<WatchedEvent, Task> OnDeletions => _onDeletions ??= Posting(_ => new ControllerEvent.DeletionsRequested());

    private Func<WatchedEvent, Task> OnIsrChanges => _onIsrChanges ??= Posting(_ => new ControllerEvent.IsrChangesNotified());

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
                e.Fail(new NotControllerException($"broker {_options.BrokerId} was deposed as controller"));
                Post(new ControllerEvent.Elect());
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                e.Fail(new NotControllerException("the controller has stopped"));
                return;
            }
            catch (ZooKeeperException ex) when (ex is ConnectionLossException or SessionExpiredException or OperationTimeoutException)
            {
                // The client reconnects on its own; try again once it has. A caller gets the error and retries itself.
                LogRetry(e.GetType().Name, ex.Message);
                e.Fail(ex);
                _ = RetryLaterAsync(_active ? new ControllerEvent.Resync() : e is ControllerEvent.Elect ? e : new ControllerEvent.Elect());
            }
            catch (Exception ex) when (ex is NotControllerException or StaleBrokerEpochException or BrokerNotAvailableException)
            {
                e.Fail(ex); // a refused request; the controller's state is intact
            }
            catch (Exception ex)
            {
                LogEventFailed(ex, e.GetType().Name);
                e.Fail(ex);
                _ = RetryLaterAsync(_active ? new ControllerEvent.Resync() : new ControllerEvent.Elect());
            }
            finally
            {
                // Whatever the event got written before it ended (even when it failed) is told to the brokers.
                FlushRequests();
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
        ControllerEvent.Inspect i => RunInspection(i),
        _ when !_active => RefuseInactive(e), // also: stale watches of a former term
        ControllerEvent.BrokersChanged => OnBrokersChangedAsync(),
        ControllerEvent.TopicsChanged => OnTopicsChangedAsync(),
        ControllerEvent.TopicChanged t => OnTopicChangedAsync(t.Topic),
        ControllerEvent.PartitionStateChanged p => OnPartitionStateChangedAsync(p.Topic, p.Partition),
        ControllerEvent.DeletionsRequested => OnDeletionsRequestedAsync(),
        ControllerEvent.IsrChangesNotified => OnIsrChangesNotifiedAsync(),
        ControllerEvent.ControlledShutdown s => OnControlledShutdownAsync(s),
        ControllerEvent.PreferredElection p => OnPreferredElectionAsync(p),
        ControllerEvent.ElectLeaders elect => OnElectLeadersAsync(elect),
        ControllerEvent.Resync => OnBecomeActiveAsync(),
        LogDirEventsNotified => OnLogDirEventsNotifiedAsync(),
        LeaderAndIsrAnswered a => OnLeaderAndIsrAnsweredAsync(a.Outcome),
        ReassignmentRequested or AlterReassignments => HandleReassignmentEventAsync(e),
        _ => Task.CompletedTask,
    };

    private static Task RunInspection(ControllerEvent.Inspect inspect)
    {
        inspect.Run();
        inspect.Reply.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>The cached state of a partition, read on the loop (for tests: shows what the controller believes).</summary>
    internal async Task<PartitionStateRead?> CachedStateAsync(string topic, int partition)
    {
        PartitionStateRead? result = null;
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new ControllerEvent.Inspect(() => result = _states.GetValueOrDefault((topic, partition)), reply));
        await reply.Task.ConfigureAwait(false);
        return result;
    }

    private Task RefuseInactive(ControllerEvent e)
    {
        e.Fail(new NotControllerException($"broker {_options.BrokerId} is not the active controller"));
        return Task.CompletedTask;
    }

    private Task OnSessionReestablishedAsync()
    {
        // The old session's /controller node and watches are gone: whatever we were, start over.
        _active = false;
        return ElectAsync();
    }

    private async Task ElectAsync()
    {
        var ct = _stop.Token;
        if (await _store.GetControllerOwnerAsync(OnElect, ct).ConfigureAwait(false) is { } owner)
        {
            bool ours = owner.BrokerId == _options.BrokerId;
            if (ours && owner.EphemeralOwner == _store.Client.SessionId)
            {
                if (_active) return;

                // Our election multi was applied but its reply was lost (connection loss): the node is ours and the
                // epoch is the one we tried, so we are the controller (Kafka checks the node's ephemeral owner
                // against its session and the epoch against the one it wrote). Our node with another epoch means we
                // were fenced while the node lived on: stay inactive, as before.
                var (epoch, version) = await _store.GetControllerEpochAsync(ct).ConfigureAwait(false);
                if (_attemptedEpoch is { } attempted && attempted == epoch)
                {
                    _attemptedEpoch = null;
                    LogElectionReplyLost(_options.BrokerId, epoch);
                    await BecomeActiveAsync(epoch, version).ConfigureAwait(false);
                    return;
                }
            }

            if (_active) LogResigned(_options.BrokerId, owner.BrokerId);
            _active = false;
            // Our id in another session is our previous life's node (kill -9, session not yet expired): the watch
            // just set fires when it vanishes, and we elect then.
            if (ours) LogStaleControllerNode(_options.BrokerId, owner.EphemeralOwner);
            return;
        }

        var current = await _store.GetControllerEpochAsync(ct).ConfigureAwait(false);
        _attemptedEpoch = current.Epoch + 1; // kept until the outcome is known: a lost reply is resolved by the next election
        var won = await _store.TryElectControllerAsync(_options.BrokerId, _time.GetUtcNow().ToUnixTimeMilliseconds(), current, ct).ConfigureAwait(false);
        if (ElectionReplyFault is { } fault) await fault().ConfigureAwait(false);
        _attemptedEpoch = null;
        if (won is null)
        {
            await _store.GetControllerIdAsync(OnElect, ct).ConfigureAwait(false);
            return;
        }

        await BecomeActiveAsync(won.Value.Epoch, won.Value.ZkVersion).ConfigureAwait(false);
    }

    private async Task BecomeActiveAsync(int epoch, int epochZkVersion)
    {
        _epoch = epoch;
        _epochZkVersion = epochZkVersion;
        _shuttingDown.Clear(); // as Kafka: a new controller forgets them; stopping brokers retry their request
        _active = true;
        LogElected(_options.BrokerId, _epoch);
        await OnBecomeActiveAsync().ConfigureAwait(false);
    }

    private async Task OnBecomeActiveAsync()
    {
        var ct = _stop.Token;
        _topics.Clear();
        _states.Clear();
        _reassignments.Clear();
        ResetOfflineDirs();
        await RefreshLiveBrokersAsync(ct).ConfigureAwait(false);
        SendFullStateToAll();
        foreach (var topic in await _store.GetTopicNamesAsync(OnTopics, ct).ConfigureAwait(false))
            await LoadTopicAsync(topic, ct).ConfigureAwait(false);
        await ReconcileAsync(AllPartitions(), ct).ConfigureAwait(false);
        await OnIsrChangesNotifiedAsync().ConfigureAwait(false);
        await OnDeletionsRequestedAsync().ConfigureAwait(false);
        await OnLogDirEventsNotifiedAsync().ConfigureAwait(false);
        await ResumeReassignmentsAsync().ConfigureAwait(false);
    }

    private int _disposed;

    /// <summary>Idempotent: the lifecycle disposes it at shutdown and the DI container again at exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_rebalanceTimer is not null) await _rebalanceTimer.DisposeAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }

        while (_events.Reader.TryRead(out var pending)) pending.Fail(new NotControllerException("the controller has stopped"));
        _stop.Dispose();
    }
}
