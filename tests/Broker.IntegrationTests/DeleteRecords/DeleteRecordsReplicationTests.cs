using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.DeleteRecords;

/// <summary>
/// DeleteRecords on a three-broker cluster (ZooKeeper mode): the leader answers only once every live replica's log
/// start reached the offset (Kafka's DelayedDeleteRecords on the low watermark), followers raise their log start from
/// the leader's Fetch answer and delete their segments below it, so a new leader keeps the start; a follower that
/// cannot fetch makes the request time out; cleanup.policy changed through the admin API reaches every broker.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class DeleteRecordsReplicationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync(3, new Dictionary<string, string> { ["replica.lag.time.max.ms"] = "10000" });

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    [Test]
    public async Task DeleteRecords_ReachesEveryReplica_AndANewLeaderKeepsTheLogStart()
    {
        string topic = await CreateAsync("rdel");
        await ProduceAsync(topic, 60);
        int leader = await _cluster.LeaderAsync(topic, 0);

        using (var admin = Admin())
        {
            var result = await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 30)]);
            Assert.That(result.Single().Offset.Value, Is.EqualTo(30), "the low watermark: every replica's log start reached 30");
        }

        foreach (var broker in _cluster.Brokers)
        {
            await Poll.UntilAsync(() => SegmentBases(broker.LogDir, topic).Skip(1).All(b => b > 30) && SegmentBases(broker.LogDir, topic)[0] <= 30,
                Bound, $"broker {broker.BrokerId} to delete its segments wholly below 30");
        }

        _cluster.Broker(leader).Kill();
        int newLeader = await _cluster.WaitForNewLeaderAsync(topic, 0, leader);
        Assert.That(newLeader, Is.Not.EqualTo(leader));
        await Poll.UntilAsync(() => Earliest(topic) == 30, Bound, $"ListOffsets earliest 30 from the new leader {newLeader}");
        Assert.That(ConsumeFirst(topic, 3), Is.EqualTo(30), "a consumer below the start is reset to it (auto.offset.reset=earliest)");

        await _cluster.Broker(leader).StartAsync();
    }

    [Test]
    public async Task DeleteRecords_WithAFollowerThatCannotFetch_TimesOut_ThenCompletesWhenItFetches()
    {
        string topic = await CreateAsync("rdel-wait");
        await ProduceAsync(topic, 20);
        int leader = await _cluster.LeaderAsync(topic, 0);
        var follower = _cluster.Brokers.First(b => b.BrokerId != leader && b.IsRunning);

        follower.Pause(); // still registered (its session lasts 6 s) but fetches nothing
        try
        {
            using var admin = Admin();
            var e = Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 10)],
                new DeleteRecordsOptions { OperationTimeout = TimeSpan.FromMilliseconds(1500), RequestTimeout = TimeSpan.FromSeconds(20) }))!;
            Assert.That(e.Results.Single().Error.Code, Is.EqualTo(ErrorCode.RequestTimedOut), "waiting for the paused follower's log start");
        }
        finally
        {
            follower.Resume();
        }

        using (var admin = Admin())
        {
            var done = await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 10)],
                new DeleteRecordsOptions { OperationTimeout = Bound, RequestTimeout = Bound + Bound });
            Assert.That(done.Single().Offset.Value, Is.EqualTo(10));
        }
    }

    [Test]
    public async Task CleanupPolicyChange_ThroughIncrementalAlterConfigs_ReachesTheLeaderWithoutRestart()
    {
        string topic = await CreateAsync("rdel-policy");
        await ProduceAsync(topic, 5);
        using var admin = Admin();
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                [new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Set }],
        });

        // Every broker applies /config/changes from its watch; poll until the leader refuses.
        ErrorCode code = ErrorCode.NoError;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 0)]);
                code = ErrorCode.NoError;
            }
            catch (DeleteRecordsException e)
            {
                code = e.Results.Single().Error.Code;
            }

            return code == ErrorCode.PolicyViolation;
        }, Bound, "POLICY_VIOLATION once the leader's log config says compact");
    }

    private IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.RunningBootstrap }).Build();

    private async Task<string> CreateAsync(string prefix)
    {
        string topic = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        await _cluster.CreateTopicAsync(topic, 1, 3, new Dictionary<string, string> { ["segment.bytes"] = "1024", ["min.insync.replicas"] = "2" });
        return topic;
    }

    private async Task ProduceAsync(string topic, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.RunningBootstrap, Acks = Acks.All, LingerMs = 0 }).Build();
        for (int i = 0; i < count; i++)
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"value-{i}-".PadRight(100, 'x') });
    }

    private static long[] SegmentBases(string logDir, string topic) =>
        Directory.GetFiles(Path.Combine(logDir, topic + "-0"), "*.log").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f))).Order().ToArray();

    private long Earliest(string topic)
    {
        try
        {
            using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = _cluster.RunningBootstrap, GroupId = "unused" }).Build();
            return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(5)).Low.Value;
        }
        catch (KafkaException)
        {
            return -1; // leadership still moving
        }
    }

    private long ConsumeFirst(string topic, long offset)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.RunningBootstrap, GroupId = "unused", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, offset));
        for (var deadline = DateTime.UtcNow + Bound; DateTime.UtcNow < deadline;)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result) return result.Offset.Value;
            }
            catch (ConsumeException)
            {
            }
        }

        throw new AssertionException("nothing consumed");
    }
}
