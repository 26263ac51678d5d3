using System.Text.Json.Nodes;
using Broker.IntegrationTests.Groups;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Consumer groups on the three-broker ZooKeeper cluster: __consumer_offsets is spread over the brokers, each group's
/// coordinator is the leader of its offsets partition, and commits survive restarting every broker.
/// </summary>
[TestFixture]
public sealed class GroupsOnClusterTests
{
    private static readonly int[] AllSix = [0, 1, 2, 3, 4, 5];

    [Test]
    public async Task ThreeMembers_SixPartitions_OnThreeBrokers_EachPartitionOwnedOnce_EachMessageConsumedOnce()
    {
        await using var cluster = await TestCluster.StartAsync(settings: new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "1000" });
        string topic = "cluster-group-topic", group = "cluster-group";
        await GroupTestSupport.CreateTopicAsync(cluster.Bootstrap, topic, 6);
        var members = cluster.Brokers.Select(b => new RunningConsumer(b.BootstrapServers, group, topic, $"member-{b.BrokerId}")).ToList();
        try
        {
            await Poll.UntilAsync(() => members.All(m => m.Assigned.Count == 2) && members.SelectMany(m => m.Assigned).Order().SequenceEqual(AllSix),
                TimeSpan.FromSeconds(60), "three members owning two partitions each");
            await GroupTestSupport.ProduceAsync(cluster.Bootstrap, topic, 6, 0, 600);
            await Poll.UntilAsync(() => members.Sum(m => m.Consumed.Count) >= 600, TimeSpan.FromSeconds(60), "600 messages consumed");
            var all = members.SelectMany(m => m.Consumed).ToList();
            Assert.That(all.Select(c => c.Value).Distinct().Count(), Is.EqualTo(600));
            Assert.That(all, Has.Count.EqualTo(600), "each message consumed once");
        }
        finally
        {
            foreach (var m in members) m.Close();
            foreach (var m in members) m.Dispose();
        }

        // The offsets topic exists in ZooKeeper with 50 partitions spread over the three brokers.
        await using var zk = await cluster.ConnectZooKeeperAsync();
        var assignment = JsonNode.Parse((await zk.GetDataAsync("/brokers/topics/__consumer_offsets")).Data)!["partitions"]!.AsObject();
        Assert.That(assignment.Count, Is.EqualTo(50));
        Assert.That(assignment.Select(kv => kv.Value![0]!.GetValue<int>()).Distinct().Order(), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Commits_SurviveRestartingEveryBroker_AndConsumptionResumesFromThem()
    {
        await using var cluster = await TestCluster.StartAsync(settings: new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "1000" });
        string topic = "restart-topic", group = "restart-group";
        await GroupTestSupport.CreateTopicAsync(cluster.Bootstrap, topic, 3);
        await GroupTestSupport.ProduceAsync(cluster.Bootstrap, topic, 3, 0, 90);
        using (var first = new RunningConsumer(cluster.Bootstrap, group, topic, "before-restart"))
        {
            await Poll.UntilAsync(() => first.Consumed.Count >= 90, TimeSpan.FromSeconds(60), "90 messages consumed");
            first.Close();
        }

        foreach (var b in cluster.Brokers) Assert.That(b.Stop(), Is.EqualTo(0));
        await Task.WhenAll(cluster.Brokers.Select(b => b.StartAsync()));
        await GroupTestSupport.ProduceAsync(cluster.Bootstrap, topic, 3, 90, 30);

        using var probe = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = cluster.Bootstrap, GroupId = group }).Build();
        List<TopicPartitionOffset> committed = [];
        await Poll.UntilAsync(() =>
        {
            try
            {
                committed = probe.Committed(Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10));
                return true;
            }
            catch (KafkaException)
            {
                return false; // coordinator still loading after the restart
            }
        }, TimeSpan.FromSeconds(60), "the committed offsets to be readable");
        Assert.That(committed.Select(c => c.Offset.Value), Is.EqualTo(new long[] { 30, 30, 30 }));

        using var second = new RunningConsumer(cluster.Bootstrap, group, topic, "after-restart");
        await Poll.UntilAsync(() => second.Consumed.Count >= 30, TimeSpan.FromSeconds(60), "the 30 new messages consumed");
        second.Close();
        Assert.That(second.Consumed.Select(c => c.Value).Order(), Is.EquivalentTo(Enumerable.Range(90, 30).Select(i => $"v{i}")));
    }
}
