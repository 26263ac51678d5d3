using Broker.Coordination.Controller.Requests;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Controller;

/// <summary>Children of /log_dir_event_notification changed: a broker reports a failed log dir.</summary>
internal sealed record LogDirEventsNotified : ControllerEvent;

/// <summary>A broker answered a LeaderAndIsr: which of its replicas are in offline log dirs (KAFKA_STORAGE_ERROR).</summary>
internal sealed record LeaderAndIsrAnswered(LeaderAndIsrOutcome Outcome) : ControllerEvent;

// Log dir failures (Kafka's LogDirEventNotification handling and replicasOnOfflineDirs). Loop-owned.
public sealed partial class KafkaController
{
    /// <summary>
    /// Replicas known to sit in an offline log dir, per broker, with the broker epoch that reported them (Kafka's
    /// ControllerContext.replicasOnOfflineDirs). Such a replica counts as offline: it never leads, leaves the ISR and
    /// is listed in offline_replicas. Forgotten when the broker's registration goes or is renewed (a restart brings
    /// the dir back), and on failover (the new controller relearns it from the answers to its full LeaderAndIsr).
    /// </summary>
    private readonly Dictionary<int, (long Epoch, HashSet<(string Topic, int Partition)> Replicas)> _offlineDirReplicas = new();

    private Func<WatchedEvent, Task>? _onLogDirEvents;

    private Func<WatchedEvent, Task> OnLogDirEvents => _onLogDirEvents ??= Posting(_ => new LogDirEventsNotified());

    /// <summary>Subscribed once in the constructor: the channel's answers become loop events.</summary>
    private void ListenForLeaderAndIsrAnswers() => _channel.LeaderAndIsrAnswered += outcome =>
    {
        // Only answers that can change something are worth a turn of the loop.
        if (outcome.StorageErrors.Count > 0 || _hasOfflineDirReplicas) Post(new LeaderAndIsrAnswered(outcome));
    };

    /// <summary>Read by channel threads to skip posting answers while no replica is offline (loop writes it).</summary>
    private volatile bool _hasOfflineDirReplicas;

    /// <summary>True when <paramref name="broker"/>'s replica of the partition is in an offline log dir.</summary>
    private bool IsOfflineDirReplica(int broker, string topic, int partition) =>
        _offlineDirReplicas.TryGetValue(broker, out var entry) && entry.Replicas.Contains((topic, partition));

    /// <summary>
    /// The brokers whose replica of the partition can serve it (Kafka's isReplicaOnline): the live brokers minus those
    /// whose replica is in an offline log dir. The shared live set when no replica of the partition is offline.
    /// </summary>
    private IReadOnlySet<int> LiveReplicasOf(string topic, int partition)
    {
        if (_offlineDirReplicas.Count == 0) return _live;
        HashSet<int>? filtered = null;
        foreach (var (broker, entry) in _offlineDirReplicas)
        {
            if (!entry.Replicas.Contains((topic, partition)) || !_live.Contains(broker)) continue;
            filtered ??= [.. _live];
            filtered.Remove(broker);
        }

        return filtered ?? (IReadOnlySet<int>)_live;
    }

    /// <summary>
    /// Kafka's processLogDirEventNotification: reads every pending notification (re-arming the watch), deletes them,
    /// then sends each named live broker a LeaderAndIsr for all its partitions; its answers name the replicas in
    /// offline dirs (<see cref="OnLeaderAndIsrAnsweredAsync"/>). A malformed notification is deleted like the others.
    /// </summary>
    private async Task OnLogDirEventsNotifiedAsync()
    {
        var ct = _stop.Token;
        IReadOnlyList<string> names;
        try
        {
            names = await _store.GetLogDirEventNotificationsAsync(OnLogDirEvents, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return; // created at every broker's start; a cluster without it has no notification to read
        }

        if (names.Count == 0) return;
        var brokers = new HashSet<int>();
        foreach (var name in names)
        {
            try
            {
                if (await _store.GetLogDirEventNotificationAsync(name, ct).ConfigureAwait(false) is { } broker) brokers.Add(broker);
            }
            catch (FormatException ex)
            {
                LogBadLogDirNotification(name, ex.Message);
            }
        }

        foreach (var name in names) await _store.DeleteLogDirEventNotificationFencedAsync(_epochZkVersion, name, ct).ConfigureAwait(false);
        var live = brokers.Where(_live.Contains).Order().ToList();
        LogLogDirFailures(string.Join(",", brokers.Order()), names.Count);
        foreach (int broker in live) _fullStateTo.Add(broker); // its LeaderAndIsr then lists every partition it hosts
    }

    /// <summary>
    /// Kafka's LeaderAndIsrResponseReceived: the broker's replicas answered KAFKA_STORAGE_ERROR are offline, those it
    /// applied are online again. Partitions with a newly offline replica get a new leader when that replica led
    /// (chosen from the ISR among the other online replicas) and lose it from the ISR; every partition whose offline
    /// replicas changed goes out in UpdateMetadata (offline_replicas). An answer of an older registration is ignored.
    /// </summary>
    private async Task OnLeaderAndIsrAnsweredAsync(LeaderAndIsrOutcome outcome)
    {
        int broker = outcome.BrokerId;
        if (!_brokerEpochs.TryGetValue(broker, out long epoch) || epoch != outcome.BrokerEpoch) return;
        var known = _offlineDirReplicas.TryGetValue(broker, out var entry) && entry.Epoch == epoch ? entry.Replicas : [];
        var current = new HashSet<(string Topic, int Partition)>(known);
        current.ExceptWith(outcome.Applied);
        current.UnionWith(outcome.StorageErrors);
        var newlyOffline = current.Where(k => !known.Contains(k)).ToList();
        var backOnline = known.Where(k => !current.Contains(k)).ToList();
        if (newlyOffline.Count == 0 && backOnline.Count == 0) return;

        if (current.Count == 0) _offlineDirReplicas.Remove(broker);
        else _offlineDirReplicas[broker] = (epoch, current);
        _hasOfflineDirReplicas = _offlineDirReplicas.Count > 0;
        foreach (var key in newlyOffline.Concat(backOnline)) _changed.Add(key);
        if (newlyOffline.Count == 0) return;

        LogReplicasOffline(broker, newlyOffline.Count, string.Join(",", Ordered(newlyOffline).Take(20).Select(k => $"{k.Topic}-{k.Partition}")));
        var hosted = newlyOffline.Where(k => _topics.TryGetValue(k.Topic, out var t) && t.Partitions.ContainsKey(k.Partition)).ToList();
        await ReconcileAsync(hosted, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Forgets the offline replicas of brokers whose registration went away or was renewed (Kafka clears them on
    /// broker failure and start-up: a restarted broker's dirs are online again); their partitions go out in
    /// UpdateMetadata so brokers drop them from offline_replicas.
    /// </summary>
    private void ForgetOfflineDirsOfChangedRegistrations()
    {
        foreach (var (broker, entry) in _offlineDirReplicas.ToList())
        {
            if (_brokerEpochs.TryGetValue(broker, out long epoch) && epoch == entry.Epoch) continue;
            _offlineDirReplicas.Remove(broker);
            foreach (var key in entry.Replicas) _changed.Add(key);
            LogOfflineDirsForgotten(broker, entry.Replicas.Count);
        }

        _hasOfflineDirReplicas = _offlineDirReplicas.Count > 0;
    }

    /// <summary>On becoming active: nothing is known yet (the full LeaderAndIsr to every broker tells), pending notifications are handled.</summary>
    private void ResetOfflineDirs()
    {
        _offlineDirReplicas.Clear();
        _hasOfflineDirReplicas = false;
    }

    [LoggerMessage(445, LogLevel.Warning, "Controller: log dir failure reported by broker(s) {Brokers} ({Count} notification(s)); asking them about every replica they host")]
    private partial void LogLogDirFailures(string brokers, int count);

    [LoggerMessage(446, LogLevel.Warning, "Controller: broker {BrokerId} has {Count} replica(s) in offline log dirs: {Partitions}; electing other leaders and shrinking their ISRs")]
    private partial void LogReplicasOffline(int brokerId, int count, string partitions);

    [LoggerMessage(447, LogLevel.Warning, "Controller: ignoring malformed log dir event notification {Name}: {Reason}")]
    private partial void LogBadLogDirNotification(string name, string reason);

    [LoggerMessage(448, LogLevel.Information, "Controller: broker {BrokerId} registered again or left; forgetting its {Count} replica(s) in offline log dirs")]
    private partial void LogOfflineDirsForgotten(int brokerId, int count);
}
