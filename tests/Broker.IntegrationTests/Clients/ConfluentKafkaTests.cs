using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Clients;

/// <summary>Confluent.Kafka 2.16 (librdkafka 2.16) against a real broker process over real sockets.</summary>
[TestFixture]
public sealed class ConfluentKafkaTests : SingleBrokerFixture
{
    private const int MessageCount = 10_000;

    [TestCase(CompressionType.None)]
    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Snappy)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public async Task AdminCreatesTopic_ProducerSendsKeyedMessagesWithAcksAll_ConsumerReadsThemInPartitionOrder(CompressionType compression)
    {
        string topic = UniqueTopic("cf-" + compression.ToString().ToLowerInvariant());
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
            var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
            Assert.That(meta.Topics.Single().Partitions, Has.Count.EqualTo(3));
        }

        var sent = new Dictionary<int, List<(string Key, string Value, long Offset)>>();
        var producerConfig = new ProducerConfig
        {
            BootstrapServers = Bootstrap, Acks = Acks.All, CompressionType = compression, LingerMs = 5,
            EnableIdempotence = false,
        };
        using (var producer = new ProducerBuilder<string, string>(producerConfig).Build())
        {
            var tasks = new List<Task<DeliveryResult<string, string>>>();
            for (int i = 0; i < MessageCount; i++)
                tasks.Add(producer.ProduceAsync(topic, new Message<string, string> { Key = $"key-{i % 97}", Value = $"value-{i}" }));
            foreach (var r in await Task.WhenAll(tasks))
            {
                Assert.That(r.Status, Is.EqualTo(PersistenceStatus.Persisted));
                if (!sent.TryGetValue(r.Partition.Value, out var list)) sent[r.Partition.Value] = list = [];
                list.Add((r.Message.Key, r.Message.Value, r.Offset.Value));
            }
        }

        Assert.That(sent.Values.Sum(l => l.Count), Is.EqualTo(MessageCount));
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = "unused-" + topic, EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, EnablePartitionEof = false,
        };
        var received = new Dictionary<int, List<(string Key, string Value, long Offset)>>();
        using (var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build())
        {
            consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            int total = 0;
            while (total < MessageCount && DateTime.UtcNow < deadline)
            {
                var cr = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (cr?.Message is null) continue;
                if (!received.TryGetValue(cr.Partition.Value, out var list)) received[cr.Partition.Value] = list = [];
                list.Add((cr.Message.Key, cr.Message.Value, cr.Offset.Value));
                total++;
            }
        }

        foreach (var (partition, expected) in sent)
        {
            Assert.That(received.ContainsKey(partition), $"partition {partition} returned nothing");
            Assert.That(received[partition], Is.EqualTo(expected.OrderBy(e => e.Offset).ToList()), $"partition {partition} order/content");
        }
    }

    [Test]
    public async Task QueryWatermarks_And_OffsetsForTimes_MatchWhatWasProduced()
    {
        string topic = UniqueTopic("cf-offsets");
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Bootstrap }).Build();
        var baseTime = DateTime.UtcNow.AddMinutes(-10);
        for (int i = 0; i < 10; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string>
            {
                Value = $"v{i}", Timestamp = new Timestamp(baseTime.AddSeconds(i)),
            });
        }

        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "unused" }).Build();
        var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        Assert.That((marks.Low.Value, marks.High.Value), Is.EqualTo((0L, 10L)));
        var byTime = consumer.OffsetsForTimes(
            [new TopicPartitionTimestamp(topic, 0, new Timestamp(baseTime.AddSeconds(4)))], TimeSpan.FromSeconds(10));
        Assert.That(byTime.Single().Offset.Value, Is.EqualTo(4));
    }

    [Test]
    public async Task DeleteTopic_RemovesItFromMetadata_AndFromDisk()
    {
        string topic = UniqueTopic("cf-delete");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 2, ReplicationFactor = 1 }]);
        Assert.That(Directory.Exists(Path.Combine(Broker.LogDir, topic + "-0")));
        await admin.DeleteTopicsAsync([topic]);
        var meta = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.That(meta.Topics.Select(t => t.Topic), Does.Not.Contain(topic));
        await TestKit.Poll.UntilAsync(() => !Directory.Exists(Path.Combine(Broker.LogDir, topic + "-0")), TimeSpan.FromSeconds(30), "partition folder removal");
    }

    [Test]
    public void CreateTopic_WithReplicationFactorAboveBrokerCount_FailsWithInvalidReplicationFactor()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var ex = Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = UniqueTopic("cf-rf"), NumPartitions = 1, ReplicationFactor = 3 }]));
        Assert.That(ex!.Results.Single().Error.Code, Is.EqualTo(ErrorCode.InvalidReplicationFactor));
    }
}
