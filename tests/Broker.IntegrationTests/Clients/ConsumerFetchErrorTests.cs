using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Broker.TestKit;

namespace Broker.IntegrationTests.Clients;

/// <summary>
/// Confluent.Kafka (librdkafka) consumers meeting Fetch errors: they must see them to act. OFFSET_OUT_OF_RANGE
/// (an offset below the log start after retention, or past the end) triggers auto.offset.reset; a deleted topic
/// lets the consumer close. A record set encoded as null (size -1) in an errored partition hides both: librdkafka
/// drops the whole response as malformed and retries for ever.
/// </summary>
[TestFixture]
public sealed class ConsumerFetchErrorTests : SingleBrokerFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["log.retention.check.interval.ms"] = "200",
        ["group.initial.rebalance.delay.ms"] = "0",
    };

    [Test]
    public async Task OffsetBelowLogStart_AfterRetention_ResetsToEarliest_AndReads()
    {
        string topic = UniqueTopic("reset-below");
        await CreateTopicAsync(topic, new() { ["segment.bytes"] = "1024", ["retention.ms"] = "600000", ["segment.ms"] = "600000" });
        // Old records fill closed segments that time retention deletes; the recent ones stay.
        await ProduceAsync(topic, 60, DateTime.UtcNow.AddHours(-2));
        await ProduceAsync(topic, 10, DateTime.UtcNow);
        long logStart = 0;
        await Poll.UntilAsync(() => (logStart = LowWatermark(topic)) > 0, Bound, "retention to advance the log start");

        var first = ConsumeFirst(topic, 0);

        // Retention may still have deleted segments meanwhile (it runs every 200 ms), but never the recent records.
        Assert.That(first.Offset.Value, Is.InRange(logStart, 60L));
        Assert.That(first.Offset.Value, Is.EqualTo(LowWatermark(topic)), "auto.offset.reset=earliest went to the log start");
    }

    [Test]
    public async Task OffsetPastTheEnd_ResetsToEarliest_AndReads()
    {
        string topic = UniqueTopic("reset-past");
        await CreateTopicAsync(topic, []);
        await ProduceAsync(topic, 5, DateTime.UtcNow);

        var first = ConsumeFirst(topic, 1_000_000);

        Assert.That(first.Offset.Value, Is.Zero);
    }

    /// <summary>
    /// A guard more than a reproduction: librdkafka 2.16 closes here even against a broker that sends size -1
    /// (librdkafka 2.0.2 hangs in rd_kafka_destroy after a deleted topic with or without it: a client-side reconnect
    /// while terminating).
    /// </summary>
    [Test]
    public async Task ConsumerOfADeletedTopic_Assigned_ClosesWithinABound()
    {
        string topic = UniqueTopic("deleted");
        await CreateTopicAsync(topic, []);
        await ProduceAsync(topic, 5, DateTime.UtcNow);
        var config = new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = "g-" + topic, AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true, AutoCommitIntervalMs = 200, TopicMetadataRefreshIntervalMs = 1000,
        };
        var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
        try
        {
            consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
            Assert.That(ConsumeOne(consumer), Is.Not.Null, "read before the deletion");
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
                await admin.DeleteTopicsAsync([topic]);
            // Keep polling a while so the consumer meets the missing topic in its fetches and metadata.
            for (var until = DateTime.UtcNow.AddSeconds(3); DateTime.UtcNow < until;)
            {
                try
                {
                    consumer.Consume(TimeSpan.FromMilliseconds(200));
                }
                catch (ConsumeException)
                {
                    // UNKNOWN_TOPIC_OR_PARTITION surfaces as an error event: expected.
                }
            }

            var close = Task.Run(consumer.Close);
            Assert.That(await Task.WhenAny(close, Task.Delay(Bound)), Is.SameAs(close), $"Close() did not return within {Bound.TotalSeconds} s");
            await close;
        }
        finally
        {
            consumer.Dispose();
        }
    }

    private ConsumeResult<Ignore, string> ConsumeFirst(string topic, long offset)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = "unused", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, offset));
        var first = ConsumeOne(consumer);
        consumer.Close();
        Assert.That(first, Is.Not.Null, $"nothing consumed within {Bound.TotalSeconds} s: the offset was never reset");
        return first!;
    }

    private static ConsumeResult<Ignore, string>? ConsumeOne(IConsumer<Ignore, string> consumer)
    {
        for (var deadline = DateTime.UtcNow + Bound; DateTime.UtcNow < deadline;)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result) return result;
            }
            catch (ConsumeException)
            {
                // A reported error (e.g. the out-of-range offset) is not a record: keep consuming.
            }
        }

        return null;
    }

    private long LowWatermark(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "unused" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(5)).Low.Value;
    }

    private async Task CreateTopicAsync(string topic, Dictionary<string, string> configs)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1, Configs = configs }]);
    }

    private async Task ProduceAsync(string topic, int count, DateTime timestamp)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Bootstrap, LingerMs = 0 }).Build();
        for (int i = 0; i < count; i++)
        {
            await producer.ProduceAsync(topic, new Message<Null, string>
            {
                Value = $"value-{i}-".PadRight(100, 'x'), Timestamp = new Timestamp(timestamp),
            });
        }
    }
}
