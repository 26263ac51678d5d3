using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Groups;

/// <summary>Topic creation and production shared by the group tests.</summary>
internal static class GroupTestSupport
{
    /// <summary>Broker settings for group tests: groups form quickly; 6 s sessions allowed.</summary>
    public static Dictionary<string, string> Settings => new()
    {
        ["offsets.topic.replication.factor"] = "1",
        ["group.initial.rebalance.delay.ms"] = "1000",
        ["num.partitions"] = "3",
    };

    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Produces values "v{first}".. to partitions round-robin (JSON {"n": i} when json), acks=all.</summary>
    public static async Task ProduceAsync(string bootstrap, string topic, int partitions, int first, int count, bool json = false)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 5 }).Build();
        var tasks = new List<Task>();
        for (int i = first; i < first + count; i++)
        {
            string value = json ? $"{{\"n\": {i}}}" : $"v{i}";
            tasks.Add(producer.ProduceAsync(new TopicPartition(topic, i % partitions), new Message<string, string> { Key = $"k{i}", Value = value }));
        }

        await Task.WhenAll(tasks);
    }
}
