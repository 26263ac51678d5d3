using System.Diagnostics;
using System.Text.Json.Nodes;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>kill -9 of the controller and of a partition's broker, with real ZooKeeper and three broker processes.</summary>
[TestFixture]
public sealed class ControllerFailoverTests
{
    private static async Task<int> ControllerIdAsync(TestCluster cluster)
    {
        await using var zk = await cluster.ConnectZooKeeperAsync();
        var stat = await zk.ExistsAsync("/controller");
        if (stat is null) return -1;
        try
        {
            return JsonNode.Parse((await zk.GetDataAsync("/controller")).Data)!["brokerid"]!.GetValue<int>();
        }
        catch (Broker.ZooKeeper.NoNodeException)
        {
            return -1;
        }
    }

    [Test]
    public async Task KillNineOfTheController_ElectsAnotherWithinTheSessionTimeout()
    {
        await using var cluster = await TestCluster.StartAsync();
        int first = -1;
        await Poll.UntilAsync(async () => (first = await ControllerIdAsync(cluster)) > 0, TimeSpan.FromSeconds(20), "a controller");
        var watch = Stopwatch.StartNew();
        cluster.Broker(first).Kill();
        int second = -1;
        await Poll.UntilAsync(async () => (second = await ControllerIdAsync(cluster)) > 0 && second != first,
            TimeSpan.FromMilliseconds(TestCluster.SessionTimeoutMs * 2), "a new controller");
        watch.Stop();
        TestContext.Out.WriteLine($"controller {first} killed; broker {second} took over after {watch.ElapsedMilliseconds} ms (session timeout {TestCluster.SessionTimeoutMs} ms)");
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(TestCluster.SessionTimeoutMs + 3000));

        // The new controller serves admin requests: a topic can still be created through a survivor.
        var survivor = cluster.Brokers.First(b => b.BrokerId != first);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = survivor.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "after-failover", NumPartitions = 2, ReplicationFactor = 1 }]);
        var meta = admin.GetMetadata("after-failover", TimeSpan.FromSeconds(10));
        Assert.That(meta.Topics.Single().Partitions.All(p => p.Leader != first && p.Leader > 0));
    }

    [Test]
    public async Task BrokerDeath_TakesItsPartitionsOffline_AndItsRestartBringsThemBack()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "offline", NumPartitions = 3, ReplicationFactor = 1 }]);
        var before = admin.GetMetadata("offline", TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        var victimPartition = before.First();
        var victim = cluster.Broker(victimPartition.Leader);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.Bootstrap, Acks = Acks.All }).Build())
            await producer.ProduceAsync(new TopicPartition("offline", victimPartition.PartitionId), new Message<Null, string> { Value = "kept" });

        victim.Kill();
        await using var zk = await cluster.ConnectZooKeeperAsync();
        string statePath = $"/brokers/topics/offline/partitions/{victimPartition.PartitionId}/state";
        await Poll.UntilAsync(async () => JsonNode.Parse((await zk.GetDataAsync(statePath)).Data)!["leader"]!.GetValue<int>() == -1,
            TimeSpan.FromMilliseconds(TestCluster.SessionTimeoutMs * 3), "the partition to go offline (leader -1)");
        var offline = JsonNode.Parse((await zk.GetDataAsync(statePath)).Data)!;
        Assert.That(offline["isr"]!.AsArray().Select(n => n!.GetValue<int>()), Is.EqualTo(new[] { victim.BrokerId }), "the last ISR member is kept");

        var watch = Stopwatch.StartNew();
        await victim.StartAsync();
        await Poll.UntilAsync(async () => JsonNode.Parse((await zk.GetDataAsync(statePath)).Data)!["leader"]!.GetValue<int>() == victim.BrokerId,
            TimeSpan.FromSeconds(30), "leadership to return to the restarted broker");
        TestContext.Out.WriteLine($"partition back online {watch.ElapsedMilliseconds} ms after the restart began");

        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = cluster.Bootstrap, GroupId = "unused", AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Assign(new TopicPartitionOffset("offline", victimPartition.PartitionId, Offset.Beginning));
        ConsumeResult<Null, string>? record = null;
        await Poll.UntilAsync(() => (record = consumer.Consume(TimeSpan.FromMilliseconds(200))) is not null, TimeSpan.FromSeconds(30), "the record");
        Assert.That(record!.Message.Value, Is.EqualTo("kept"));
    }
}
