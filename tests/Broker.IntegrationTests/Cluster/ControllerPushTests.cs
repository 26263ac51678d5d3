using System.Text.RegularExpressions;
using Broker.TestKit;
using Broker.TestKit.ZooKeeper;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Brokers learn leadership from the controller's LeaderAndIsr/UpdateMetadata (issue 11), not from ZooKeeper: with the
/// periodic reconcile pushed out to ten minutes, a change can reach a broker only through the controller's requests.
/// </summary>
[TestFixture]
public sealed partial class ControllerPushTests
{
    private static readonly Dictionary<string, string> NoReconcile = new() { ["broker.metadata.reconcile.interval.ms"] = "600000" };

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Test]
    public async Task LeaderKilled_TheNewLeaderLearnsItFromThePush_NoBrokerWatchesAPartitionState()
    {
        await using var cluster = await TestCluster.StartAsync(3, NoReconcile);
        await cluster.CreateTopicAsync("pushed", 3, 3);
        int controller = await cluster.WaitForControllerAsync();
        int partition = -1, leader = -1;
        for (int p = 0; p < 3 && partition < 0; p++)
        {
            int l = await cluster.LeaderAsync("pushed", p);
            if (l != controller) (partition, leader) = (p, l);
        }

        Assert.That(partition, Is.GreaterThanOrEqualTo(0), "a partition led by a broker that is not the controller");
        var watches = await FourLetterWords.SendAsync(cluster.ZooKeeper.Port, "wchp", TimeSpan.FromSeconds(5)) ?? "";
        Assert.That(watches, Does.Not.Contain("/state"), "no broker (nor the controller) watches a partition state");
        // (wchp lists data and exists watches only: the child watches on /config/changes and the controller's do not show.)
        Assert.That(watches, Does.Contain("/controller"), "brokers follow the controller election");

        cluster.Broker(leader).Kill();
        int next = await cluster.WaitForNewLeaderAsync("pushed", partition, leader);
        string line = $"Partition pushed-{partition}: this broker is now leader";
        await Poll.UntilAsync(() => cluster.Broker(next).Output.Any(l => l.Contains(line)), Bound, $"broker {next} to learn it leads pushed-{partition}");

        // A bystander's metadata (UpdateMetadata) names the new leader too.
        var bystander = cluster.Brokers.Single(b => b.BrokerId != leader && b.BrokerId != next);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bystander.BootstrapServers }).Build();
        await Poll.UntilAsync(() => admin.GetMetadata("pushed", TimeSpan.FromSeconds(5)).Topics.Single().Partitions.Single(p => p.PartitionId == partition).Leader == next,
            Bound, $"broker {bystander.BrokerId} to report leader {next}");
    }

    [Test]
    public async Task TopicCreation_CostsABystanderBrokerNoZooKeeperRead()
    {
        const int Partitions = 60;
        await using var cluster = await TestCluster.StartAsync(3, NoReconcile);
        int controller = await cluster.WaitForControllerAsync();
        var bystander = cluster.Brokers.First(b => b.BrokerId != controller);
        var creator = cluster.Brokers.Single(b => b.BrokerId != controller && b.BrokerId != bystander.BrokerId);
        long session;
        await using (var zk = await cluster.ConnectZooKeeperAsync())
            session = (await zk.ExistsAsync($"/brokers/ids/{bystander.BrokerId}"))!.EphemeralOwner;

        long before = await PacketsReceivedAsync(cluster, session);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = creator.BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "many", NumPartitions = Partitions, ReplicationFactor = 1 }]);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bystander.BootstrapServers }).Build())
        {
            await Poll.UntilAsync(() => admin.GetMetadata("many", TimeSpan.FromSeconds(5)).Topics.Single() is { Partitions.Count: Partitions } t && t.Partitions.All(p => p.Leader > 0),
                Bound, $"broker {bystander.BrokerId} to know every partition's leader");
        }

        long packets = await PacketsReceivedAsync(cluster, session) - before;
        TestContext.Out.WriteLine($"ZooKeeper packets from the bystander while a {Partitions}-partition topic was created: {packets} (pings included)");
        // Re-reading the layout would take at least one read per partition; pings come every session timeout / 3 (2 s).
        Assert.That(packets, Is.LessThan(Partitions / 2));
    }

    [Test]
    public async Task NewTopicsConfigOverrides_ReachEveryBroker_WithoutAReconcile()
    {
        // The controller's requests carry no configs and creating a topic writes no config change notification:
        // each broker reads a new topic's overrides when the controller first announces it.
        await using var cluster = await TestCluster.StartAsync(3, NoReconcile);
        int controller = await cluster.WaitForControllerAsync();
        var creator = cluster.Brokers.First(b => b.BrokerId != controller);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = creator.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "configured", NumPartitions = 3, ReplicationFactor = 2,
                Configs = new Dictionary<string, string> { ["retention.ms"] = "123456789" },
            }]);
        }

        foreach (var broker in cluster.Brokers)
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
            await Poll.UntilAsync(async () =>
            {
                var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "configured" }]);
                return described.Single().Entries.TryGetValue("retention.ms", out var e) && e.Value == "123456789";
            }, Bound, $"broker {broker.BrokerId} to report the new topic's retention.ms override");
        }
    }

    [Test]
    public async Task TopicDeletedAndRecreatedAtOnce_GetsLeadersOnEveryBroker()
    {
        await using var cluster = await TestCluster.StartAsync(3, NoReconcile);
        int controller = await cluster.WaitForControllerAsync();
        var creator = cluster.Brokers.First(b => b.BrokerId != controller);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = creator.BootstrapServers }).Build();
        for (int round = 0; round < 3; round++)
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "again", NumPartitions = 4, ReplicationFactor = 2 }]);
            await admin.DeleteTopicsAsync(["again"]);
        }

        await admin.CreateTopicsAsync([new TopicSpecification { Name = "again", NumPartitions = 4, ReplicationFactor = 2 }]);
        foreach (var broker in cluster.Brokers)
        {
            using var other = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
            await Poll.UntilAsync(() => other.GetMetadata("again", TimeSpan.FromSeconds(5)).Topics.Single() is { Error.IsError: false, Partitions.Count: 4 } t
                    && t.Partitions.All(p => p.Leader > 0),
                Bound, $"broker {broker.BrokerId} to know the re-created topic's leaders");
        }
    }

    /// <summary>Packets ZooKeeper received on <paramref name="session"/>'s connection ("cons").</summary>
    private static async Task<long> PacketsReceivedAsync(TestCluster cluster, long session)
    {
        var cons = await FourLetterWords.SendAsync(cluster.ZooKeeper.Port, "cons", TimeSpan.FromSeconds(5)) ?? "";
        var match = ConsLine().Matches(cons).FirstOrDefault(m => Convert.ToInt64(m.Groups[2].Value, 16) == session)
            ?? throw new AssertionException($"session 0x{session:x} not in cons output:\n{cons}");
        return long.Parse(match.Groups[1].Value);
    }

    [GeneratedRegex(@"recved=(\d+),sent=\d+,sid=0x([0-9a-f]+)")]
    private static partial Regex ConsLine();
}
