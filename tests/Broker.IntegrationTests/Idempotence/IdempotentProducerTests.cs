using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Idempotence;

/// <summary>librdkafka (Confluent.Kafka) with enable.idempotence=true against the broker.</summary>
[TestFixture]
public sealed class IdempotentProducerTests : SingleBrokerFixture
{
    [Test]
    public async Task IdempotentProducer_TenThousandMessages_ReadBackOnceInOrder()
    {
        const int count = 10_000;
        string topic = UniqueTopic("idem-cf");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        }

        var producerConfig = new ProducerConfig
        {
            BootstrapServers = Bootstrap, EnableIdempotence = true, LingerMs = 5, BatchNumMessages = 200,
            MaxInFlight = 5, MessageTimeoutMs = 30_000,
        };
        var errors = new List<string>();
        using (var producer = new ProducerBuilder<Null, string>(producerConfig).SetErrorHandler((_, e) => { lock (errors) errors.Add(e.Reason); }).Build())
        {
            var deliveries = new List<Task<DeliveryResult<Null, string>>>(count);
            for (int i = 0; i < count; i++)
            {
                deliveries.Add(producer.ProduceAsync(topic, new Message<Null, string> { Value = "m" + i }));
            }

            DeliveryResult<Null, string>[] results = await Task.WhenAll(deliveries);
            Assert.That(results.Select(r => r.Offset.Value), Is.EqualTo(Enumerable.Range(0, count).Select(i => (long)i)));
        }

        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = "unused-" + topic, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        var values = new List<string>(count);
        using (var consumer = new ConsumerBuilder<Null, string>(consumerConfig).Build())
        {
            consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (values.Count < count && DateTime.UtcNow < deadline)
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (record?.Message is not null) values.Add(record.Message.Value);
            }

            Assert.That(consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value, Is.EqualTo(count));
        }

        Assert.That(values, Is.EqualTo(Enumerable.Range(0, count).Select(i => "m" + i)));
        Assert.That(errors, Is.Empty, "no producer errors, in particular no fatal idempotence error");
    }
}
