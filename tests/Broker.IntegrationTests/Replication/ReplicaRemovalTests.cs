using Broker.Coordination.ZNodes;
using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// A broker dropped from a partition's assignment stops its replica, as Kafka's StopReplica with delete: it stops
/// fetching and deletes the local log, instead of keeping a stale follower that copies forever.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class ReplicaRemovalTests
{
    private TestCluster? _cluster;

    [Test]
    public async Task BrokerRemovedFromTheAssignment_DeletesItsReplica_AndTheNewReplicaHostsIt()
    {
        _cluster = await TestCluster.StartAsync(3);
        string topic = $"moved-{Guid.NewGuid():N}"[..14];
        await _cluster.CreateTopicAsync(topic, 1, 2);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.Bootstrap, Acks = Acks.All }).Build())
        {
            for (int i = 0; i < 10; i++) await producer.ProduceAsync(topic, new Message<Null, string> { Value = $"v{i}" });
        }

        int leader = await _cluster.LeaderAsync(topic, 0);
        var replicas = await _cluster.ReplicasAsync(topic, 0);
        int removed = replicas.Single(r => r != leader);
        int added = new[] { 1, 2, 3 }.Single(b => !replicas.Contains(b));
        string removedFolder = Path.Combine(_cluster.Broker(removed).LogDir, $"{topic}-0");
        string addedFolder = Path.Combine(_cluster.Broker(added).LogDir, $"{topic}-0");
        Assert.That(Directory.Exists(removedFolder), Is.True, "the follower hosts the partition before the move");

        var zk = await _cluster.ConnectZooKeeperAsync();
        try
        {
            var (data, stat) = await zk.GetDataAsync(TopicZNode.PathOf(topic));
            var assignment = TopicZNode.Decode(topic, data);
            var moved = assignment with { Partitions = new Dictionary<int, int[]> { [0] = [leader, added] } };
            await zk.SetDataAsync(TopicZNode.PathOf(topic), moved.Encode(), stat.Version);
        }
        finally
        {
            await zk.DisposeAsync();
        }

        TestContext.Out.WriteLine($"{topic}-0: replicas [{string.Join(",", replicas)}] -> [{leader},{added}]");
        await Poll.UntilAsync(() => !Directory.Exists(removedFolder), TimeSpan.FromSeconds(20), $"broker {removed} deleting its replica");
        await Poll.UntilAsync(() => Directory.Exists(addedFolder), TimeSpan.FromSeconds(20), $"broker {added} hosting the partition");
        await Poll.UntilAsync(() => _cluster.Broker(removed).Output.Any(l => l.Contains($"{topic}-0: this broker is no longer a replica") // its own ZooKeeper read
                                                                   || l.Contains($"StopReplica: stopped {topic}-0 and deleted its log")), // the controller's push
            TimeSpan.FromSeconds(10), $"broker {removed} logging the removal");
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_cluster is null) return;
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            TestContext.Out.WriteLine(_cluster.OutputOfAll(60));
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}
