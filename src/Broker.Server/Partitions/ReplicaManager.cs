using System.Collections.Concurrent;
using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Storage;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Partitions;

/// <summary>
/// The partitions this broker hosts, by topic and index, and the replication bookkeeping around them (ISR
/// writer, high-watermark checkpoint). Thread-safe (concurrent dictionary; partitions are thread-safe themselves).
/// </summary>
public sealed partial class ReplicaManager
{
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly LogManager _logs;
    private readonly BrokerConfig _config;
    private readonly Lazy<IReadOnlyDictionary<TopicPartition, long>> _checkpointedHighWatermarks;
    private readonly TimeProvider _time;

    private readonly ILogger _logger;

    public ReplicaManager(LogManager logs, BrokerConfig config, TimeProvider? time = null, ILogger<ReplicaManager>? logger = null)
    {
        _logs = logs;
        _config = config;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _checkpointedHighWatermarks = new(() => logs.ReadHighWatermarks());
    }

    public LogManager Logs => _logs;

    /// <summary>This broker's id (-1 in single-broker mode without broker.id).</summary>
    public int LocalBrokerId => _config.BrokerId;

    /// <summary>Where leaders record ISR changes; set once at start-up in ZooKeeper mode.</summary>
    public IIsrWriter IsrWriter { get; set; } = IIsrWriter.None;

    /// <summary>
    /// Raised (on the cluster-metadata loop) after a hosted partition became leader or stopped being leader, so
    /// owners of partition-scoped state (the group coordinator for <c>__consumer_offsets</c>) can load or drop it.
    /// </summary>
    public event Action<Partition>? LeadershipChanged;

    /// <summary>Raised after a leader changed its ISR in ZooKeeper, with the reason (for logging).</summary>
    public event Action<Partition, string>? IsrChanged;

    private long _isrShrinks;
    private long _isrExpands;

    /// <summary>ISR shrinks this broker wrote as leader since start (Kafka's IsrShrinksPerSec count).</summary>
    public long IsrShrinks => Interlocked.Read(ref _isrShrinks);

    /// <summary>ISR expansions this broker wrote as leader since start (Kafka's IsrExpandsPerSec count).</summary>
    public long IsrExpands => Interlocked.Read(ref _isrExpands);

    public void OnLeadershipChanged(Partition partition) => LeadershipChanged?.Invoke(partition);

    public bool TryGet(string topic, int partition, out Partition result) =>
        _partitions.TryGetValue(new TopicPartition(topic, partition), out result!);

    public IEnumerable<Partition> All => _partitions.Values;

    /// <summary>
    /// Opens (or creates) the local log of a partition and records its topic id next to it. In single-broker mode
    /// (<paramref name="leader"/> true) the partition leads at once with itself as the only in-sync replica; in
    /// ZooKeeper mode it starts as a follower of nobody until the cluster view assigns its role, with the high
    /// watermark it had checkpointed.
    /// A local log whose <c>partition.metadata</c> names another topic id belongs to a deleted topic of the same name
    /// (its broker was offline when the deletion ran): it is moved aside to <c>&lt;dir&gt;.&lt;uuid&gt;-delete</c> and
    /// deleted, with a warning, and the partition starts from an empty log, so none of its records is ever served.
    /// </summary>
    public Partition Host(TopicPartition id, KafkaUuid topicId, LogConfig? config = null, bool leader = true)
    {
        return _partitions.GetOrAdd(id, tp =>
        {
            var existing = _logs.Get(tp.Topic, tp.Partition);
            if (existing is not null && !topicId.Equals(KafkaUuid.Zero)
                && Topics.PartitionMetadataFile.Read(existing.Directory) is { } onDisk && !onDisk.Equals(topicId))
            {
                LogStaleLog(tp.Topic, tp.Partition, onDisk.ToString(), topicId.ToString(), existing.LogEndOffset);
                _logs.DeletePartition(tp.Topic, tp.Partition);
                existing = null;
            }

            var log = _logs.GetOrCreate(tp.Topic, tp.Partition, config);
            if (Topics.PartitionMetadataFile.Read(log.Directory) is null)
                Topics.PartitionMetadataFile.Write(log.Directory, topicId);

            // A checkpointed high watermark belongs to the log it was taken from: never to a log created just now.
            long hw = existing is not null && _checkpointedHighWatermarks.Value.TryGetValue(tp, out var saved) ? saved : 0;
            var partition = new Partition(tp, topicId, log, _config.BrokerId, leader, IsrWriter, hw, _time)
            {
                MinInsyncReplicas = _config.MinInsyncReplicas,
            };
            partition.IsrChanged += (p, reason) => IsrChanged?.Invoke(p, reason);
            partition.IsrResized += delta => Interlocked.Increment(ref delta < 0 ? ref _isrShrinks : ref _isrExpands);
            return partition;
        });
    }

    /// <summary>
    /// Stops hosting every partition of the topic and deletes their logs, hosted or only on disk; returns how many
    /// logs were deleted.
    /// </summary>
    public int DeleteTopic(string topic)
    {
        foreach (var key in _partitions.Keys.Where(k => k.Topic == topic).ToArray())
        {
            _partitions.TryRemove(key, out _);
        }

        return _logs.DeleteTopic(topic);
    }

    /// <summary>
    /// Stops hosting a partition this broker is no longer a replica of (its assignment moved away) and deletes its
    /// log, as Kafka's StopReplica with delete. The caller stops its fetcher first. Returns false when not hosted.
    /// </summary>
    public bool StopReplica(TopicPartition id)
    {
        if (!_partitions.TryRemove(id, out var partition)) return false;
        if (partition.Stop()) OnLeadershipChanged(partition);
        _logs.DeletePartition(id.Topic, id.Partition);
        return true;
    }

    /// <summary>Drops lagging followers from the ISRs this broker leads (see <see cref="Partition.MaybeShrinkIsr"/>).</summary>
    public void ShrinkIsrs()
    {
        foreach (var p in _partitions.Values) p.MaybeShrinkIsr(_config.ReplicaLagTimeMaxMs);
    }

    /// <summary>Writes every hosted partition's high watermark to the log dirs' checkpoint files.</summary>
    public void CheckpointHighWatermarks() =>
        _logs.CheckpointHighWatermarks(_partitions.Values.ToDictionary(p => p.Id, p => p.HighWatermark));

    [LoggerMessage(505, LogLevel.Warning, "Partition {Topic}-{Partition}: the local log belongs to topic id {OnDisk}, not {Current} (a deleted topic of the same name, log end {LogEnd}); moving it aside and starting an empty log")]
    private partial void LogStaleLog(string topic, int partition, string onDisk, string current, long logEnd);
}
