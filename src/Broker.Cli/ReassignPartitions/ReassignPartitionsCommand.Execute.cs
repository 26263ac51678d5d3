using Broker.Coordination;
using Broker.Coordination.ZNodes;

namespace Broker.Cli.ReassignPartitions;

// --execute: validate the file, print the current assignment (for rollback), set the throttles, request the moves.
internal sealed partial class ReassignPartitionsCommand
{
    private static async Task ExecuteAsync(KafkaZkStore store, string json, bool additional, long throttle)
    {
        var proposed = ParseForExecution(json);
        var current = await CurrentAssignmentAsync(store, proposed.Keys.Select(k => k.Topic));
        var missing = proposed.Keys.Where(k => !current.ContainsKey(k)).OrderBy(k => k).ToList();
        if (missing.Count > 0) throw new TerseFailure($"Error: The proposed assignment contains non-existent partitions: List({string.Join(", ", missing)})");
        var registered = (await store.GetBrokersAsync()).Select(b => b.Id).ToHashSet();
        var unknown = proposed.Values.SelectMany(r => r).Where(b => !registered.Contains(b)).Distinct().ToList();
        if (unknown.Count > 0) throw new TerseFailure("Error: The proposed assignment contains non-existent brokerIDs: " + string.Join(",", unknown));

        var running = await store.GetReassignmentRequestAsync(null);
        if (running is not null && !additional) throw new TerseFailure(CannotExecuteBecauseOfExisting);

        System.Console.Out.WriteLine("Current partition replica assignment\n\n" + ReassignmentJson.Format(current.Where(kv => proposed.ContainsKey(kv.Key)).ToDictionary())
            + "\n\nSave this to use as the --reassignment-json-file option during rollback");

        if (throttle >= 0)
        {
            System.Console.Out.WriteLine(YouMustRunVerifyPeriodically);
            var plan = ThrottlePlan.Compute(proposed, await SourcesAsync(store, proposed.Keys, current));
            foreach (var topic in plan.LeaderReplicas.Keys.Union(plan.FollowerReplicas.Keys).Order(StringComparer.Ordinal))
            {
                var configs = (await store.GetTopicConfigAsync(topic)).ToDictionary(StringComparer.Ordinal);
                if (plan.LeaderReplicas.TryGetValue(topic, out var leader)) configs[ThrottlePlan.LeaderReplicasKey] = leader;
                if (plan.FollowerReplicas.TryGetValue(topic, out var follower)) configs[ThrottlePlan.FollowerReplicasKey] = follower;
                await store.SetTopicConfigAsync(topic, configs);
            }

            foreach (int broker in plan.Brokers)
            {
                string entity = broker.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var configs = (await store.GetBrokerConfigAsync(entity)).ToDictionary(StringComparer.Ordinal);
                configs[ThrottlePlan.LeaderRate] = throttle.ToString(System.Globalization.CultureInfo.InvariantCulture);
                configs[ThrottlePlan.FollowerRate] = throttle.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await store.SetBrokerConfigAsync(entity, configs);
            }

            System.Console.Out.WriteLine($"The inter-broker throttle limit was set to {throttle} B/s");
        }

        var request = proposed.ToDictionary(kv => (kv.Key.Topic, kv.Key.Partition), kv => kv.Value);
        if (running is not null)
        {
            foreach (var (key, replicas) in running.Partitions) request.TryAdd(key, replicas);
            await store.SetReassignmentRequestAsync(new ReassignPartitionsZNode(request));
        }
        else if (!await store.TryCreateReassignmentRequestAsync(new ReassignPartitionsZNode(request)))
        {
            throw new TerseFailure(CannotExecuteBecauseOfExisting);
        }

        System.Console.Out.WriteLine("Successfully started partition reassignment{0} for {1}", proposed.Count == 1 ? "" : "s",
            string.Join(",", proposed.Keys.Order()));
    }

    /// <summary>Per partition, where its data comes from: the origin replicas of a reassignment in flight, else the current replicas.</summary>
    private static async Task<Dictionary<TopicPartitionKey, int[]>> SourcesAsync(KafkaZkStore store, IEnumerable<TopicPartitionKey> partitions,
        IReadOnlyDictionary<TopicPartitionKey, int[]> current)
    {
        var result = new Dictionary<TopicPartitionKey, int[]>();
        foreach (var group in partitions.GroupBy(k => k.Topic, StringComparer.Ordinal))
        {
            var topic = await store.GetTopicAsync(group.Key);
            foreach (var key in group)
                result[key] = topic is not null && topic.IsBeingReassigned(key.Partition) ? topic.OriginReplicas(key.Partition) : current.GetValueOrDefault(key) ?? [];
        }

        return result;
    }

    /// <summary>Kafka's parseExecuteAssignmentArgs checks, with its messages.</summary>
    private static Dictionary<TopicPartitionKey, int[]> ParseForExecution(string json)
    {
        var entries = ReassignmentJson.ParseReassignment(json);
        if (entries.Any(e => e.LogDirs.Any(d => d != ReassignmentJson.AnyLogDir)))
            throw new TerseFailure("Error: bootstrap-server needs to be provided when replica reassignments are present.");
        if (entries.Count == 0) throw new TerseFailure("Error: Partition reassignment list cannot be empty");
        if (entries.Any(e => e.Replicas.Length == 0)) throw new TerseFailure("Error: Partition replica list cannot be empty");
        var duplicatePartitions = entries.GroupBy(e => e.Partition).Where(g => g.Count() > 1).Select(g => g.Key.ToString()).ToList();
        if (duplicatePartitions.Count > 0)
            throw new TerseFailure("Error: Partition reassignment contains duplicate topic partitions: " + string.Join(",", duplicatePartitions));
        var duplicateReplicas = entries
            .Select(e => (e.Partition, Dups: e.Replicas.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList()))
            .Where(x => x.Dups.Count > 0)
            .Select(x => $"{x.Partition} contains multiple entries for {string.Join(",", x.Dups)}").ToList();
        if (duplicateReplicas.Count > 0)
            throw new TerseFailure("Error: Partition replica lists may not contain duplicate entries: " + string.Join(". ", duplicateReplicas));
        return entries.ToDictionary(e => e.Partition, e => e.Replicas);
    }
}
