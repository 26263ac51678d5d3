using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.Tests;

/// <summary>Topic set-up for the admin tool tests with real Confluent.Kafka clients.</summary>
internal static class AdminTopics
{
    /// <summary>Creates <paramref name="topic"/> with one replica per partition on the given brokers (partition i on brokers[i]).</summary>
    public static async Task CreateAsync(string bootstrap, string topic, params int[] brokers)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic, NumPartitions = brokers.Length, ReplicationFactor = -1,
            ReplicasAssignments = brokers.Select((b, i) => (i, new List<int> { b })).ToDictionary(x => x.i, x => x.Item2),
        }]);
    }

    /// <summary>Produces values to one partition, acks=all, one batch per value (timestamps as given, when given).</summary>
    public static async Task ProduceAsync(string bootstrap, string topic, int partition, IReadOnlyList<string> values, IReadOnlyList<long>? timestamps = null)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build();
        for (int i = 0; i < values.Count; i++)
        {
            var message = new Message<string, string> { Key = $"k{i}", Value = values[i] };
            if (timestamps is not null) message.Timestamp = new Timestamp(timestamps[i], TimestampType.CreateTime);
            await producer.ProduceAsync(new TopicPartition(topic, partition), message);
        }
    }
}
