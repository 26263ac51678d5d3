using System.Collections.Concurrent;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Durability;

/// <summary>kill -9 of the broker process while a producer runs: after a restart every acknowledged message is there.</summary>
[TestFixture]
public sealed class CrashRecoveryTests
{
    [Test]
    public async Task KillNine_WhileProducing_EveryAcknowledgedMessageSurvivesRestart()
    {
        using var broker = new BrokerProcess(0, new Dictionary<string, string> { ["num.partitions"] = "3", ["log.segment.bytes"] = "262144" });
        await broker.StartAsync();
        const string topic = "crash-test";
        var acked = new ConcurrentDictionary<(int Partition, long Offset), string>();
        var config = new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 2, MessageTimeoutMs = 5000,
            EnableIdempotence = false, ReconnectBackoffMaxMs = 200,
        };
        using (var producer = new ProducerBuilder<Null, string>(config).Build())
        {
            int i = 0;
            void Send()
            {
                int n = Interlocked.Increment(ref i);
                string value = $"message-{n}-{new string('p', n % 200)}";
                producer.Produce(topic, new Message<Null, string> { Value = value }, report =>
                {
                    if (report.Error.Code == ErrorCode.NoError) acked[(report.Partition.Value, report.Offset.Value)] = value;
                });
            }

            // Produce until a good amount is acknowledged, then kill the broker mid-stream.
            while (acked.Count < 20_000)
            {
                for (int k = 0; k < 1000; k++) Send();
                producer.Poll(TimeSpan.FromMilliseconds(5));
            }

            for (int k = 0; k < 5000; k++) Send();
            broker.Kill();
            producer.Flush(TimeSpan.FromSeconds(15));
        }

        TestContext.Out.WriteLine($"acknowledged before the kill: {acked.Count}");
        await broker.StartAsync();

        var found = new Dictionary<(int, long), string>();
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "unused", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<Null, string>(consumerConfig).Build();
        var highs = Enumerable.Range(0, 3)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        long expected = highs.Sum();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (found.Count < expected && DateTime.UtcNow < deadline)
        {
            var cr = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (cr?.Message is not null) found[(cr.Partition.Value, cr.Offset.Value)] = cr.Message.Value;
        }

        Assert.That(found, Has.Count.EqualTo(expected), "every record below the log end is readable");
        var missing = acked.Where(kv => !found.TryGetValue(kv.Key, out var v) || v != kv.Value).Take(5).ToList();
        Assert.That(missing, Is.Empty, $"acknowledged messages lost or changed, e.g. {string.Join(", ", missing.Select(m => m.Key))}");
    }
}
