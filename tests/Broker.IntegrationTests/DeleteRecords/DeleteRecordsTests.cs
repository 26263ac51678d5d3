using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.DeleteRecords;

/// <summary>
/// DeleteRecords (KIP-107) through Confluent.Kafka's admin client against one broker: the log start moves, reads below
/// it get OFFSET_OUT_OF_RANGE (auto.offset.reset applies), ListOffsets earliest answers it, whole segments below it
/// are deleted, it survives a restart, errors are per partition, and cleanup.policy=compact (changed at run time by
/// either AlterConfigs API) refuses it with POLICY_VIOLATION.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DeleteRecordsTests : SingleBrokerFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["group.initial.rebalance.delay.ms"] = "0",
    };

    [Test]
    public async Task DeleteRecords_MovesTheLogStart_ReadsBelowItAreOutOfRange_AndAutoOffsetResetApplies()
    {
        string topic = await CreateTopicAsync("del", 1, new() { ["segment.bytes"] = "1024" });
        await ProduceAsync(topic, 0, 60);
        int segmentsBefore = SegmentFiles(topic, 0).Length;

        using var admin = Admin();
        var results = await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 30)]);

        Assert.That(results.Single().Offset.Value, Is.EqualTo(30), "the low watermark in the answer");
        Assert.That(Watermarks(topic, 0), Is.EqualTo((30L, 60L)));
        Assert.That(await EarliestAsync(admin, topic, 0), Is.EqualTo(30), "ListOffsets earliest");
        Assert.That(SegmentFiles(topic, 0), Has.Length.LessThan(segmentsBefore), "segments wholly below 30 are deleted");
        Assert.That(SegmentFiles(topic, 0).Select(BaseOffset).Min(), Is.LessThanOrEqualTo(30), "the segment holding 30 stays");

        var error = ConsumeError(topic, 5, AutoOffsetReset.Error);
        Assert.That(error.Code, Is.EqualTo(ErrorCode.Local_AutoOffsetReset), error.Reason);
        Assert.That(error.Reason, Does.Contain("Offset out of range"), "the broker answered OFFSET_OUT_OF_RANGE");
        Assert.That(ConsumeFirst(topic, 5, AutoOffsetReset.Earliest).Offset.Value, Is.EqualTo(30), "auto.offset.reset=earliest");
        Assert.That(ConsumeFirst(topic, 30, AutoOffsetReset.Error).Offset.Value, Is.EqualTo(30), "the new start is readable");
    }

    [Test]
    public async Task DeleteRecords_MinusOneMeansTheHighWatermark_AndErrorsArePerPartition()
    {
        string topic = await CreateTopicAsync("del-hw", 2, []);
        using var idempotent = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Bootstrap, EnableIdempotence = true, LingerMs = 0 }).Build();
        for (int i = 0; i < 10; i++) await idempotent.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"v{i}" });
        await ProduceAsync(topic, 1, 4);

        using var admin = Admin();
        var e = Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync(
        [
            new TopicPartitionOffset(topic, 0, Offset.End), // -1: up to the high watermark
            new TopicPartitionOffset(topic, 1, 5), // above the high watermark 4
        ]))!;

        var byPartition = e.Results.ToDictionary(r => r.Partition.Value);
        Assert.That(byPartition[0].Error.Code, Is.EqualTo(ErrorCode.NoError));
        Assert.That(byPartition[0].Offset.Value, Is.EqualTo(10));
        Assert.That(byPartition[1].Error.Code, Is.EqualTo(ErrorCode.OffsetOutOfRange));
        Assert.That(Watermarks(topic, 0), Is.EqualTo((10L, 10L)));
        Assert.That(Watermarks(topic, 1), Is.EqualTo((0L, 4L)), "the refused partition is untouched");

        // The idempotent producer keeps its sequence: its state outlives the deleted records (as Kafka's).
        var next = await idempotent.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = "after" });
        Assert.That(next.Offset.Value, Is.EqualTo(10));
        Assert.That(ConsumeFirst(topic, 0, AutoOffsetReset.Earliest).Offset.Value, Is.EqualTo(10), "appends continue after a full delete");
    }

    [Test]
    public async Task DeleteRecords_OnACompactTopic_IsAPolicyViolation_AndAlterConfigsChangesTakeEffectWithoutRestart()
    {
        string topic = await CreateTopicAsync("del-policy", 1, []);
        await ProduceAsync(topic, 0, 10);
        using var admin = Admin();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Set }],
        });
        var refused = Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 3)]))!;
        Assert.That(refused.Results.Single().Error.Code, Is.EqualTo(ErrorCode.PolicyViolation), "compact reached the live log config");
        Assert.That(Watermarks(topic, 0).Low, Is.Zero);

#pragma warning disable CS0618 // AlterConfigs is deprecated in the client, still used by older tools
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "cleanup.policy", Value = "compact,delete" }],
        });
#pragma warning restore CS0618
        var described = (await admin.DescribeConfigsAsync([resource]))[0].Entries["cleanup.policy"];
        Assert.That(described.Value, Is.EqualTo("compact,delete"));

        var accepted = await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 3)]);
        Assert.That(accepted.Single().Offset.Value, Is.EqualTo(3), "compact,delete allows DeleteRecords again");
    }

    [Test]
    public async Task DeleteRecords_TheLogStartSurvivesARestart()
    {
        string topic = await CreateTopicAsync("del-restart", 1, []);
        await ProduceAsync(topic, 0, 20);
        using (var admin = Admin()) await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 7)]);

        await Broker.RestartAsync();

        Assert.That(File.ReadAllText(Path.Combine(Broker.LogDir, "log-start-offset-checkpoint")), Does.Contain($"{topic} 0 7\n"));
        await Poll.UntilAsync(() => TryWatermarks(topic, 0) == (7L, 20L), Bound, "the log start 7 after the restart");
        Assert.That(ConsumeFirst(topic, 0, AutoOffsetReset.Earliest).Offset.Value, Is.EqualTo(7));
    }

    private IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();

    private async Task<string> CreateTopicAsync(string prefix, int partitions, Dictionary<string, string> configs)
    {
        string topic = UniqueTopic(prefix);
        using var admin = Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]);
        return topic;
    }

    private async Task ProduceAsync(string topic, int partition, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Bootstrap, LingerMs = 0 }).Build();
        for (int i = 0; i < count; i++)
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<Null, string> { Value = $"value-{i}-".PadRight(100, 'x') });
    }

    private (long Low, long High) Watermarks(string topic, int partition) =>
        TryWatermarks(topic, partition) ?? throw new AssertionException("no watermarks");

    private (long Low, long High)? TryWatermarks(string topic, int partition)
    {
        try
        {
            using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "unused" }).Build();
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(5));
            return (w.Low.Value, w.High.Value);
        }
        catch (KafkaException)
        {
            return null; // the broker is still starting
        }
    }

    private static async Task<long> EarliestAsync(IAdminClient admin, string topic, int partition)
    {
        var result = await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(topic, partition), OffsetSpec = OffsetSpec.Earliest() }]);
        return result.ResultInfos.Single().TopicPartitionOffsetError.Offset.Value;
    }

    private string[] SegmentFiles(string topic, int partition) =>
        Directory.GetFiles(Path.Combine(Broker.LogDir, $"{topic}-{partition}"), "*.log");

    private static long BaseOffset(string path) => long.Parse(Path.GetFileNameWithoutExtension(path));

    private IConsumer<Ignore, string> Consumer(string topic, long offset, AutoOffsetReset reset)
    {
        var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = "unused", EnableAutoCommit = false, AutoOffsetReset = reset,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, offset));
        return consumer;
    }

    private ConsumeResult<Ignore, string> ConsumeFirst(string topic, long offset, AutoOffsetReset reset)
    {
        using var consumer = Consumer(topic, offset, reset);
        for (var deadline = DateTime.UtcNow + Bound; DateTime.UtcNow < deadline;)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result) return result;
            }
            catch (ConsumeException)
            {
                // a reported error is not a record: keep consuming
            }
        }

        throw new AssertionException($"nothing consumed from offset {offset} within {Bound.TotalSeconds} s");
    }

    private Error ConsumeError(string topic, long offset, AutoOffsetReset reset)
    {
        using var consumer = Consumer(topic, offset, reset);
        for (var deadline = DateTime.UtcNow + Bound; DateTime.UtcNow < deadline;)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
                    throw new AssertionException($"read offset {result.Offset.Value} although {offset} is below the log start");
            }
            catch (ConsumeException e)
            {
                return e.Error;
            }
        }

        throw new AssertionException($"no error within {Bound.TotalSeconds} s");
    }
}
