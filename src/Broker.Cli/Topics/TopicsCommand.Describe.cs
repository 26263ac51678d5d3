using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.Topics;

/// <summary>--describe: a topic line, then one line per partition, tab-separated as in Kafka 3.6.</summary>
internal sealed partial class TopicsCommand
{
    private static async Task DescribeAsync(IAdminClient admin, ParsedOptions options)
    {
        var topics = GetTopics(admin, options);
        EnsureTopicExists(topics, options);
        if (topics.Count == 0) return;

        var described = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(topics),
            new DescribeTopicsOptions { RequestTimeout = Timeout });
        var configs = await admin.DescribeConfigsAsync(
            topics.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t }).ToList(),
            new DescribeConfigsOptions { RequestTimeout = Timeout });
        var configsByTopic = configs.ToDictionary(c => c.ConfigResource.Name, StringComparer.Ordinal);
        var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = Timeout });
        var liveBrokers = cluster.Nodes.Select(n => n.Id).ToHashSet();

        var filter = new PartitionFilter(options, liveBrokers);
        bool overridesOnly = options.Has("topics-with-overrides");
        bool describeConfigs = !filter.IsActive;
        var output = System.Console.Out;
        foreach (var topic in described.TopicDescriptions.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var nonDefault = configsByTopic.TryGetValue(topic.Name, out var config)
                ? config.Entries.Values.Where(e => !e.IsDefault).OrderBy(e => e.Name, StringComparer.Ordinal).ToList()
                : [];
            var partitions = topic.Partitions.OrderBy(p => p.Partition).ToList();
            if (describeConfigs && (!overridesOnly || nonDefault.Count > 0))
            {
                var line = new System.Text.StringBuilder($"Topic: {topic.Name}");
                if (topic.TopicId is { } id && (id.MostSignificantBits != 0 || id.LeastSignificantBits != 0))
                    line.Append($"\tTopicId: {TopicIdText.Format(id.MostSignificantBits, id.LeastSignificantBits)}");
                line.Append($"\tPartitionCount: {partitions.Count}");
                line.Append($"\tReplicationFactor: {(partitions.Count == 0 ? 0 : partitions[0].Replicas.Count)}");
                line.Append($"\tConfigs: {string.Join(",", nonDefault.Select(e => $"{e.Name}={e.Value}"))}");
                output.WriteLine(line.ToString());
            }

            if (overridesOnly) continue;
            int? minIsr = config?.Entries.TryGetValue("min.insync.replicas", out var entry) == true && int.TryParse(entry.Value, out int m) ? m : null;
            foreach (var p in partitions)
            {
                if (!describeConfigs && !filter.Selects(p, minIsr)) continue;
                output.WriteLine($"\tTopic: {topic.Name}\tPartition: {p.Partition}\tLeader: {(p.Leader is null ? "none" : p.Leader.Id.ToString())}" +
                                 $"\tReplicas: {string.Join(",", p.Replicas.Select(r => r.Id))}\tIsr: {string.Join(",", p.ISR.Select(r => r.Id))}");
            }
        }
    }
}
