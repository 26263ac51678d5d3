using Broker.Coordination;
using Broker.Coordination.ZNodes;

namespace Broker.Cli.ReassignPartitions;

// --verify, --cancel, --list and the throttle clean-up they share.
internal sealed partial class ReassignPartitionsCommand
{
    private static async Task VerifyAsync(KafkaZkStore store, string json, bool preserveThrottles)
    {
        var targets = ParseForVerification(json);
        var request = await store.GetReassignmentRequestAsync(null);
        var lines = new List<string> { "Status of partition reassignment:" };
        bool ongoing = request is { Partitions.Count: > 0 };
        foreach (var (key, target) in targets.OrderBy(kv => kv.Key))
        {
            var topic = await store.GetTopicAsync(key.Topic);
            int[] current = topic?.Partitions.GetValueOrDefault(key.Partition) ?? [];
            bool inFlight = (request?.Partitions.ContainsKey((key.Topic, key.Partition)) ?? false) || (topic?.IsBeingReassigned(key.Partition) ?? false);
            ongoing |= inFlight;
            if (inFlight) lines.Add($"Reassignment of partition {key} is still in progress.");
            else if (current.SequenceEqual(target)) lines.Add($"Reassignment of partition {key} is complete.");
            else lines.Add($"There is no active reassignment of partition {key}, but replica set is {string.Join(",", current)} rather than {string.Join(",", target)}.");
        }

        System.Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
        System.Console.Out.WriteLine(); // Kafka's (empty) report of log dir moves
        if (!ongoing && !preserveThrottles) await ClearThrottlesAsync(store, targets);
    }

    private static async Task CancelAsync(KafkaZkStore store, string json, bool preserveThrottles)
    {
        var targets = ParseForVerification(json);
        var cancelled = new Dictionary<(string, int), int[]>();
        foreach (var group in targets.Keys.GroupBy(k => k.Topic, StringComparer.Ordinal))
        {
            if (await store.GetTopicAsync(group.Key) is not { } topic) continue;
            foreach (var key in group.Where(k => topic.IsBeingReassigned(k.Partition)))
                cancelled[(key.Topic, key.Partition)] = topic.OriginReplicas(key.Partition);
        }

        if (cancelled.Count > 0)
        {
            // The controller treats a request for the origin replicas as Kafka's cancellation: the adding replicas stop.
            var request = await store.GetReassignmentRequestAsync(null);
            var merged = new Dictionary<(string, int), int[]>(request?.Partitions ?? new Dictionary<(string, int), int[]>());
            foreach (var (key, origin) in cancelled) merged[key] = origin;
            await store.SetReassignmentRequestAsync(new ReassignPartitionsZNode(merged));
            await WaitForControllerAsync(store, cancelled.Keys);
            System.Console.Out.WriteLine("Successfully cancelled partition reassignment{0} for: {1}", cancelled.Count == 1 ? "" : "s",
                string.Join(",", cancelled.Keys.Select(k => new TopicPartitionKey(k.Item1, k.Item2)).Order()));
        }
        else
        {
            System.Console.Out.WriteLine("None of the specified partition reassignments are active.");
        }

        System.Console.Out.WriteLine("None of the specified partition moves are active.");
        if (!preserveThrottles) await ClearThrottlesAsync(store, targets);
    }

    /// <summary>Waits (at most the ZooKeeper timeout) until the controller took the partitions out of the request: the cancellation is done.</summary>
    private static async Task WaitForControllerAsync(KafkaZkStore store, IEnumerable<(string, int)> keys)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var request = await store.GetReassignmentRequestAsync(null);
            if (request is null || !keys.Any(request.Partitions.ContainsKey)) return;
            await Task.Delay(100);
        }
    }

    private static async Task ListAsync(KafkaZkStore store)
    {
        var lines = new List<string>();
        foreach (var name in (await store.GetTopicNamesAsync()).Order(StringComparer.Ordinal))
        {
            if (await store.GetTopicAsync(name) is not { } topic) continue;
            foreach (var (p, replicas) in topic.Partitions.OrderBy(kv => kv.Key).Where(kv => topic.IsBeingReassigned(kv.Key)))
            {
                var adding = topic.AddingReplicas.GetValueOrDefault(p) ?? [];
                var removing = topic.RemovingReplicas.GetValueOrDefault(p) ?? [];
                lines.Add($"{name}-{p}: replicas: {string.Join(",", replicas)}."
                    + (adding.Length == 0 ? "" : $" adding: {string.Join(",", adding)}.")
                    + (removing.Length == 0 ? "" : $" removing: {string.Join(",", removing)}."));
            }
        }

        System.Console.Out.WriteLine(lines.Count == 0 ? "No partition reassignments found." : "Current partition reassignments:" + Environment.NewLine + string.Join(Environment.NewLine, lines));
    }

    /// <summary>Kafka's clearAllThrottles: both rates (and the log dir rate) off every live broker and every target broker, both replica lists off the topics.</summary>
    private static async Task ClearThrottlesAsync(KafkaZkStore store, IReadOnlyDictionary<TopicPartitionKey, int[]> targets)
    {
        var brokers = (await store.GetBrokersAsync()).Select(b => b.Id).Concat(targets.Values.SelectMany(r => r)).Distinct().Order().ToList();
        System.Console.Out.WriteLine("Clearing broker-level throttles on broker{0} {1}", brokers.Count == 1 ? "" : "s", string.Join(",", brokers));
        foreach (int broker in brokers)
        {
            string entity = broker.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var configs = (await store.GetBrokerConfigAsync(entity)).ToDictionary(StringComparer.Ordinal);
            if (ThrottlePlan.BrokerKeys.Count(configs.Remove) > 0) await store.SetBrokerConfigAsync(entity, configs);
        }

        var topics = targets.Keys.Select(k => k.Topic).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        System.Console.Out.WriteLine("Clearing topic-level throttles on topic{0} {1}", topics.Count == 1 ? "" : "s", string.Join(",", topics));
        foreach (var topic in topics)
        {
            var configs = (await store.GetTopicConfigAsync(topic)).ToDictionary(StringComparer.Ordinal);
            if (ThrottlePlan.TopicKeys.Count(configs.Remove) > 0) await store.SetTopicConfigAsync(topic, configs);
        }
    }

    private static Dictionary<TopicPartitionKey, int[]> ParseForVerification(string json)
    {
        var entries = ReassignmentJson.ParseReassignment(json);
        if (entries.Any(e => e.LogDirs.Any(d => d != ReassignmentJson.AnyLogDir)))
            throw new TerseFailure("Error: bootstrap-server needs to be provided when replica reassignments are present.");
        var result = new Dictionary<TopicPartitionKey, int[]>();
        foreach (var e in entries) result[e.Partition] = e.Replicas;
        return result;
    }
}
