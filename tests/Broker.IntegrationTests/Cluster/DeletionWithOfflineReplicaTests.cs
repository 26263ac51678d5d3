using Broker.IntegrationTests.Replication;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Issue 11, finding 2: a topic deleted while one replica's broker is down, then re-created under the same name. The
/// deletion is held until that broker is back (re-creation is refused meanwhile, as Kafka does), and the returning
/// broker never serves the deleted topic's records: its replica of the new topic matches the new leader.
/// </summary>
[TestFixture]
public sealed class DeletionWithOfflineReplicaTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync();

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll(120));
        await _cluster.DisposeAsync();
    }

    [Test]
    public async Task TopicDeletedWhileAReplicaIsDown_ThenRecreated_ReturningBrokerNeverServesTheOldRecords()
    {
        const string Topic = "reborn";
        var broker3 = _cluster.Broker(3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Broker(1).BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1, 2, 3] } }]);
        await _cluster.WaitForFullIsrAsync(Topic);
        await ProduceAsync(Topic, "old", 5);
        await _cluster.WaitForFullIsrAsync(Topic);

        broker3.Stop();
        await admin.DeleteTopicsAsync([Topic]);
        var refused = Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = 2 }]));
        Assert.That(refused!.Results.Single().Error.Code, Is.EqualTo(ErrorCode.TopicAlreadyExists));
        Assert.That(refused.Results.Single().Error.Reason, Does.Contain("marked for deletion"));

        await broker3.StartAsync();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await admin.CreateTopicsAsync([NewTopic(Topic)]);
                return true;
            }
            catch (CreateTopicsException e) when (e.Results.Single().Error.Code == ErrorCode.TopicAlreadyExists)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the deletion to complete once broker 3 is back, so the name can be re-created");
        await _cluster.WaitForFullIsrAsync(Topic);
        await _cluster.WaitForLeaderAsync(Topic, 0, l => l == 3);
        await ProduceAsync(Topic, "new", 3);
        await _cluster.WaitForFullIsrAsync(Topic);

        // Broker 3 leads the new topic: everything a consumer gets comes from its log.
        var values = Consume(broker3.BootstrapServers, Topic, 3);
        Assert.That(values, Is.EqualTo(new[] { "new-0", "new-1", "new-2" }));
        await Poll.UntilAsync(() =>
        {
            var leader = ReplicaLogFiles.Read(3, broker3.LogDir, Topic, 0, long.MaxValue);
            var follower = ReplicaLogFiles.Read(1, _cluster.Broker(1).LogDir, Topic, 0, long.MaxValue);
            return leader.NextOffset == 3 && follower.Bytes.AsSpan().SequenceEqual(leader.Bytes);
        }, TimeSpan.FromSeconds(15), "broker 1's replica to match broker 3's log byte for byte (3 records)");
        // Whichever path got there first: the controller's StopReplica(delete), its own ZooKeeper read, or the topic-id check.
        Assert.That(broker3.Output, Has.Some.Contains("removed its local partitions").Or.Some.Contains("moving it aside").Or.Some.Contains("and deleted its log"),
            "broker 3 deleted the old log when it came back");
    }

    private static TopicSpecification NewTopic(string name) => new() { Name = name, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [3, 1, 2] } };

    private async Task ProduceAsync(string topic, string prefix, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = _cluster.RunningBootstrap, Acks = Acks.All, EnableIdempotence = false, MessageTimeoutMs = 30000,
        }).Build();
        for (int i = 0; i < count; i++) await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"{prefix}-{i}" });
    }

    private static List<string> Consume(string bootstrap, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "check-" + Guid.NewGuid().ToString("N")[..8], EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (values.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(500))?.Message is { } m) values.Add(m.Value);
        }

        // Anything after the expected records (old ones would have come first anyway) is reported too.
        while (consumer.Consume(TimeSpan.FromMilliseconds(500))?.Message is { } extra) values.Add(extra.Value);
        return values;
    }
}
