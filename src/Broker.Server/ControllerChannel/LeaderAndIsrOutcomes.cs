using Broker.Coordination.Controller.Requests;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.ControllerChannel;

/// <summary>
/// Reads a broker's LeaderAndIsr answer per partition for the controller (<see cref="LeaderAndIsrOutcome"/>).
/// From v5 the answer names topics by id: the ids are mapped back to the names the request sent; a topic without an
/// id (or two names with one id) cannot be told apart, so its partitions are left out. Pure functions.
/// </summary>
internal static class LeaderAndIsrOutcomes
{
    public static LeaderAndIsrOutcome Read(LiveBrokerInfo target, LeaderAndIsrRequest request, LeaderAndIsrResponse response)
    {
        var storageErrors = new List<(string Topic, int Partition)>();
        var applied = new List<(string Topic, int Partition)>();
        void Add(string topic, int partition, short error)
        {
            if (error == (short)ErrorCode.KafkaStorageError) storageErrors.Add((topic, partition));
            else if (error == (short)ErrorCode.None) applied.Add((topic, partition));
        }

        if (response.ErrorCode == (short)ErrorCode.None)
        {
            foreach (var p in response.PartitionErrors) Add(p.TopicName, p.PartitionIndex, p.ErrorCode);
            if (response.Topics.Count > 0)
            {
                var names = request.TopicStates.Where(t => !t.TopicId.Equals(KafkaUuid.Zero)).GroupBy(t => t.TopicId)
                    .Where(g => g.Select(t => t.TopicName).Distinct(StringComparer.Ordinal).Count() == 1)
                    .ToDictionary(g => g.Key, g => g.First().TopicName);
                foreach (var topic in response.Topics)
                {
                    if (!names.TryGetValue(topic.TopicId, out var name)) continue;
                    foreach (var p in topic.PartitionErrors) Add(name, p.PartitionIndex, p.ErrorCode);
                }
            }
        }

        return new LeaderAndIsrOutcome(target.Id, target.Epoch, storageErrors, applied);
    }
}
