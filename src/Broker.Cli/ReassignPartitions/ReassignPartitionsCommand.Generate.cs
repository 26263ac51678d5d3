using Broker.Coordination;

namespace Broker.Cli.ReassignPartitions;

// --generate: a candidate assignment of the given topics over the given brokers (Kafka's calculateAssignment).
internal sealed partial class ReassignPartitionsCommand
{
    private static async Task GenerateAsync(KafkaZkStore store, string topicsJson, string brokerList, bool rackAware)
    {
        int[] brokers;
        try
        {
            brokers = brokerList.Split(',').Select(b => int.Parse(b.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new TerseFailure($"Error: For input string: \"{brokerList}\"");
        }

        var duplicateBrokers = brokers.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicateBrokers.Count > 0) throw new TerseFailure("Error: Broker list contains duplicate entries: " + string.Join(",", duplicateBrokers));
        var topics = ReassignmentJson.ParseTopics(topicsJson);
        var duplicateTopics = topics.GroupBy(t => t, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicateTopics.Count > 0) throw new TerseFailure("Error: List of topics to reassign contains duplicate entries: " + string.Join(",", duplicateTopics));

        var current = await CurrentAssignmentAsync(store, topics);
        // Brokers of the list that are registered, with their racks when rack awareness is on (Kafka's getBrokerMetadata).
        var registered = (await store.GetBrokersAsync()).Where(b => brokers.Contains(b.Id))
            .Select(b => (b.Id, Rack: rackAware ? b.Rack : null)).ToList();
        int rackless = registered.Count(b => string.IsNullOrEmpty(b.Rack));
        if (rackAware && rackless != 0 && rackless != registered.Count)
            throw new TerseFailure("Error: Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.");

        var proposed = new Dictionary<TopicPartitionKey, int[]>();
        foreach (var group in current.GroupBy(kv => kv.Key.Topic, StringComparer.Ordinal))
        {
            int partitions = group.Count();
            int replicationFactor = group.First().Value.Length;
            if (replicationFactor > registered.Count)
                throw new TerseFailure($"Error: Replication factor: {replicationFactor} larger than available brokers: {registered.Count}.");
            foreach (var (p, replicas) in ReplicaAssignment.Assign(partitions, replicationFactor, registered))
                proposed[new TopicPartitionKey(group.Key, p)] = replicas;
        }

        System.Console.Out.WriteLine("Current partition replica assignment\n" + ReassignmentJson.Format(current) + "\n");
        System.Console.Out.WriteLine("Proposed partition reassignment configuration\n" + ReassignmentJson.Format(proposed));
    }

    /// <summary>The replicas of every partition of <paramref name="topics"/> (topics that do not exist are left out, as Kafka).</summary>
    private static async Task<Dictionary<TopicPartitionKey, int[]>> CurrentAssignmentAsync(KafkaZkStore store, IEnumerable<string> topics)
    {
        var result = new Dictionary<TopicPartitionKey, int[]>();
        foreach (var topic in topics.Distinct(StringComparer.Ordinal))
        {
            if (await store.GetTopicAsync(topic) is not { } assignment) continue;
            foreach (var (p, replicas) in assignment.Partitions) result[new TopicPartitionKey(topic, p)] = replicas;
        }

        return result;
    }
}
