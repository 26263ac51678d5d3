using Broker.Protocol;
using Broker.Storage;

namespace Broker.Server.Topics;

/// <summary>CreatePartitions: a topic only grows; new partitions get the topic's id and config overrides.</summary>
public sealed partial class LocalTopicManager
{
    public (ErrorCode Error, string? Message) CreatePartitions(string topic, int totalCount, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly)
    {
        lock (_adminLock)
        {
            if (!_topics.TryGetValue(topic, out var info)) return (ErrorCode.UnknownTopicOrPartition, $"The topic '{topic}' does not exist.");
            int current = info.Partitions.Count;
            if (totalCount < current)
                return (ErrorCode.InvalidPartitions, $"Topic currently has {current} partitions, which is higher than the requested {totalCount}.");
            if (totalCount == current) return (ErrorCode.InvalidPartitions, $"Topic already has {current} partitions.");
            if (assignments is not null)
            {
                int added = totalCount - current;
                if (assignments.Count != added)
                    return (ErrorCode.InvalidReplicaAssignment, $"Increasing the number of partitions by {added} but {assignments.Count} assignments provided.");
                for (int i = 0; i < assignments.Count; i++)
                {
                    var unknown = assignments[i].Where(b => b != _config.BrokerId).Distinct().ToList();
                    if (unknown.Count > 0)
                        return (ErrorCode.InvalidReplicaAssignment, $"Unknown broker(s) in replica assignment: {string.Join(", ", unknown)}.");
                    if (assignments[i].Count != info.ReplicationFactor)
                        return (ErrorCode.InvalidReplicaAssignment,
                            $"Inconsistent replication factor between partitions, partition 0 has {info.ReplicationFactor} while partition {current + i} has {assignments[i].Count}.");
                }
            }

            if (validateOnly) return (ErrorCode.None, null);
            var logConfig = TopicConfigs.ToLogConfig(_config, AsPairs(OverridesOf(topic)));
            for (int p = current; p < totalCount; p++) _replicas.Host(new TopicPartition(topic, p), info.TopicId, logConfig);
            _topics[topic] = Describe(topic, info.TopicId, totalCount);
            LogPartitionsAdded(topic, current, totalCount);
            return (ErrorCode.None, null);
        }
    }
}
