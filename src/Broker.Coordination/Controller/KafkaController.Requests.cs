using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Controller;

// What brokers must be told after each event (Kafka's ControllerBrokerRequestBatch). Loop-owned.
public sealed partial class KafkaController
{
    private readonly IControllerChannel _channel;

    /// <summary>Live brokers' registrations as of the last look at /brokers/ids (targets and UpdateMetadata's list).</summary>
    private IReadOnlyList<LiveBrokerInfo> _liveBrokers = [];

    /// <summary>Topics listed under /admin/delete_topics as of the last look: announced as deleted, never led.</summary>
    private readonly HashSet<string> _deleting = new(StringComparer.Ordinal);

    // Pending for the end of the current event.
    private readonly HashSet<(string Topic, int Partition)> _changed = [];
    private readonly HashSet<(string Topic, int Partition)> _isNew = [];
    private readonly HashSet<int> _fullStateTo = [];
    private readonly List<PartitionLeadership> _deletedEntries = [];
    private readonly Dictionary<int, List<StopReplicaEntry>> _stops = new();
    private bool _brokersChanged;
    private bool _channelOpen;

    /// <summary>Records a partition state read or written; a different state is sent to brokers after the event.</summary>
    private void SetState((string Topic, int Partition) key, PartitionStateRead? read, bool isNew = false)
    {
        var old = _states.GetValueOrDefault(key);
        if (read is null)
        {
            if (_states.Remove(key)) _changed.Add(key);
            return;
        }

        _states[key] = read;
        if (old is null || old.ZkVersion != read.ZkVersion || old.State != read.State) _changed.Add(key);
        if (isNew) _isNew.Add(key);
    }

    /// <summary>Failover (or a resync): every live broker gets the whole state.</summary>
    private void SendFullStateToAll()
    {
        foreach (var b in _liveBrokers) _fullStateTo.Add(b.Id);
    }

    /// <summary>A broker that registered (or registered again): it gets the whole state; the others the new broker list.</summary>
    private void OnBrokerRegistrationsChanged(IReadOnlyDictionary<int, long> before)
    {
        _brokersChanged = true;
        foreach (var b in _liveBrokers)
        {
            if (!before.TryGetValue(b.Id, out long epoch) || epoch != b.Epoch) _fullStateTo.Add(b.Id);
        }
    }

    /// <summary>Replicas dropped from a partition's assignment stop and delete their copy; the new replica list goes out.</summary>
    private void OnAssignmentChanged(string topic, TopicZNode? old, TopicZNode current)
    {
        foreach (var (p, replicas) in current.Partitions)
        {
            if (old is null || !old.Partitions.TryGetValue(p, out var previous)) continue;
            if (previous.SequenceEqual(replicas)) continue;
            _changed.Add((topic, p));
            int leaderEpoch = _states.TryGetValue((topic, p), out var s) ? s.State.LeaderEpoch : -1;
            foreach (int removed in previous.Except(replicas)) StopReplica(removed, new StopReplicaEntry(topic, p, Delete: true, leaderEpoch));
        }
    }

    /// <summary>A topic queued for deletion: its replicas stop and delete their logs, every broker drops it.</summary>
    private void AnnounceDeletion(string topic, TopicZNode assignment)
    {
        foreach (var (p, replicas) in assignment.Partitions)
        {
            _deletedEntries.Add(Entry(topic, assignment, p, replicas) with { Leader = PartitionLeadership.LeaderDuringDelete });
            foreach (int r in replicas) StopReplica(r, new StopReplicaEntry(topic, p, Delete: true, PartitionLeadership.EpochDuringDelete));
        }
    }

    private void StopReplica(int broker, StopReplicaEntry entry)
    {
        if (!_stops.TryGetValue(broker, out var list)) _stops[broker] = list = [];
        list.Add(entry);
    }

    private PartitionLeadership Entry(string topic, TopicZNode assignment, int partition, int[] replicas)
    {
        var live = _live;
        int[] offline = replicas.Where(r => !live.Contains(r) || IsOfflineDirReplica(r, topic, partition)).ToArray();
        if (_states.TryGetValue((topic, partition), out var read))
        {
            var s = read.State;
            return new PartitionLeadership(topic, assignment.TopicId, partition, s.ControllerEpoch, s.Leader, s.LeaderEpoch, s.Isr, read.ZkVersion,
                replicas, offline, _isNew.Contains((topic, partition)));
        }

        return new PartitionLeadership(topic, assignment.TopicId, partition, _epoch, -1, -1, [], -1, replicas, offline);
    }

    private IEnumerable<PartitionLeadership> Entries(IEnumerable<(string Topic, int Partition)> keys)
    {
        foreach (var (topic, p) in keys)
        {
            if (_topics.TryGetValue(topic, out var assignment) && assignment.Partitions.TryGetValue(p, out var replicas))
            {
                var entry = Entry(topic, assignment, p, replicas);
                yield return _deleting.Contains(topic) ? entry with { Leader = PartitionLeadership.LeaderDuringDelete } : entry;
            }
        }
    }

    private static IEnumerable<(string Topic, int Partition)> Ordered(IEnumerable<(string Topic, int Partition)> keys) =>
        keys.OrderBy(k => k.Topic, StringComparer.Ordinal).ThenBy(k => k.Partition);

    /// <summary>
    /// Runs after every event: turns what the event changed into one batch per live broker and hands them to the
    /// channel (Kafka's sendRequestsToBrokers). LeaderAndIsr goes to the live replicas of each changed partition,
    /// UpdateMetadata with the changed partitions (and the live broker list) to every live broker, StopReplica to the
    /// replicas being removed; a broker that (re)registered, and every broker after a failover, gets everything.
    /// A controller that is no longer active drops its queues instead.
    /// </summary>
    private void FlushRequests()
    {
        try
        {
            if (!_active)
            {
                if (_channelOpen) _channel.Clear();
                _channelOpen = false;
                return;
            }

            _channelOpen = true;
            if (_changed.Count == 0 && _fullStateTo.Count == 0 && _deletedEntries.Count == 0 && _stops.Count == 0 && !_brokersChanged) return;

            _channel.SetLiveBrokers(_liveBrokers);
            var changed = Entries(Ordered(_changed)).Concat(_deletedEntries).ToList();
            List<PartitionLeadership>? all = null;
            int sent = 0;
            foreach (var broker in _liveBrokers)
            {
                int id = broker.Id;
                bool full = _fullStateTo.Contains(id);
                var everything = full ? all ??= Entries(Ordered(AllPartitions())).ToList() : null;
                var leaderAndIsr = (everything ?? changed).Where(e => !e.IsDeleted && e.Replicas.Contains(id)).ToList();
                IReadOnlyList<PartitionLeadership>? metadata = full ? everything
                    : changed.Count > 0 || _brokersChanged ? changed : null;
                var stops = _stops.TryGetValue(id, out var s) ? s : [];
                var batch = new BrokerRequestBatch(id, _epoch, leaderAndIsr, full, metadata, _liveBrokers, stops);
                if (batch.IsEmpty) continue;
                _channel.Enqueue(batch);
                sent++;
            }

            LogRequestsQueued(sent, changed.Count, _fullStateTo.Count);
        }
        catch (Exception ex)
        {
            LogFlushFailed(ex);
        }
        finally
        {
            _changed.Clear();
            _isNew.Clear();
            _fullStateTo.Clear();
            _deletedEntries.Clear();
            _stops.Clear();
            _brokersChanged = false;
        }
    }

    /// <summary>A broker refused a request of <paramref name="epoch"/> as stale: a newer controller exists.</summary>
    private void OnStaleControllerEpoch(int epoch)
    {
        if (epoch == _epoch) Post(new ControllerEvent.Elect());
    }

    [LoggerMessage(430, LogLevel.Debug, "Controller: queued requests for {Brokers} broker(s): {Partitions} changed partition(s), full state to {Full} broker(s)")]
    private partial void LogRequestsQueued(int brokers, int partitions, int full);

    [LoggerMessage(431, LogLevel.Error, "Controller: building the requests to brokers failed")]
    private partial void LogFlushFailed(Exception ex);
}
