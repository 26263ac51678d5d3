using System.Collections.Concurrent;
using Broker.Protocol;
using Broker.Storage;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

/// <summary>
/// The partitions this broker hosts, by topic and index. Thread-safe (concurrent dictionary; partitions are
/// thread-safe themselves).
/// </summary>
public sealed class ReplicaManager
{
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly LogManager _logs;

    public ReplicaManager(LogManager logs) => _logs = logs;

    public LogManager Logs => _logs;

    /// <summary>
    /// Raised (on the cluster-metadata loop) after a hosted partition became leader or stopped being leader, so
    /// owners of partition-scoped state (the group coordinator for <c>__consumer_offsets</c>) can load or drop it.
    /// </summary>
    public event Action<Partition>? LeadershipChanged;

    public void OnLeadershipChanged(Partition partition) => LeadershipChanged?.Invoke(partition);

    public bool TryGet(string topic, int partition, out Partition result) =>
        _partitions.TryGetValue(new TopicPartition(topic, partition), out result!);

    public IEnumerable<Partition> All => _partitions.Values;

    /// <summary>Opens (or creates) the local log of a partition and records its topic id next to it.</summary>
    public Partition Host(TopicPartition id, KafkaUuid topicId, LogConfig? config = null)
    {
        return _partitions.GetOrAdd(id, tp =>
        {
            var log = _logs.GetOrCreate(tp.Topic, tp.Partition, config);
            if (Topics.PartitionMetadataFile.Read(log.Directory) is null)
                Topics.PartitionMetadataFile.Write(log.Directory, topicId);
            return new Partition(tp, topicId, log);
        });
    }

    /// <summary>Stops hosting every partition of the topic and deletes their logs.</summary>
    public void DeleteTopic(string topic)
    {
        foreach (var key in _partitions.Keys.Where(k => k.Topic == topic).ToArray())
        {
            _partitions.TryRemove(key, out _);
        }

        _logs.DeleteTopic(topic);
    }
}
