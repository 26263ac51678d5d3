using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Issue 16: <c>broker.rack</c> drives replica placement as Kafka's rack-aware assignment does, for topics created
/// and partitions added through a real client; brokers that mix racks and no racks refuse placement clearly.
/// </summary>
[TestFixture]
public sealed class RackAwarePlacementTests
{
    private static Dictionary<string, string> Rack(string rack) => new() { ["broker.rack"] = rack };

    [Test]
    public async Task TwoRacks_EveryPartitionHasAReplicaInEachRack_ForCreatedAndAddedPartitions()
    {
        // Brokers 1 and 2 share rack r1; broker 3 alone is r2. Rack-unaware placement puts some RF-2 partitions on
        // {1, 2}, both in r1 (with 6 partitions over 3 brokers, every start index does); rack-aware never does.
        await using var cluster = await TestCluster.StartAsync(3, perBroker: (id, _) => Rack(id == 3 ? "r2" : "r1"));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.Bootstrap }).Build();
        string topic = "racks-" + Guid.NewGuid().ToString("N")[..8];
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 6, ReplicationFactor = 2 }]);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 9 }]);

        var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        Assert.That(meta.Brokers.Count, Is.EqualTo(3));
        var partitions = meta.Topics.Single().Partitions;
        Assert.That(partitions, Has.Count.EqualTo(9));
        foreach (var p in partitions)
        {
            Assert.That(p.Replicas, Has.Length.EqualTo(2), $"partition {p.PartitionId}");
            Assert.That(p.Replicas, Does.Contain(3), $"partition {p.PartitionId} has its second rack's replica on broker 3: [{string.Join(",", p.Replicas)}]");
        }

        // Leaders spread over both racks too (the rack-alternated list starts partitions on 1, 3, 2, 1, 3, 2, ...).
        Assert.That(partitions.Take(6).Select(p => p.Replicas[0]).Distinct().Count(), Is.EqualTo(3), "the first six partitions' first replicas cover all brokers");
    }

    [Test]
    public async Task SomeBrokersWithoutRack_CreateTopicsIsRefused_NamingThem()
    {
        await using var cluster = await TestCluster.StartAsync(2, perBroker: (id, _) => id == 1 ? Rack("r1") : null);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.Bootstrap }).Build();
        var ex = Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "mixed-racks", NumPartitions = 2, ReplicationFactor = 2 }]));
        var result = ex!.Results.Single();
        Assert.That(result.Error.Code, Is.EqualTo(ErrorCode.InvalidReplicaAssignment));
        Assert.That(result.Error.Reason, Does.Contain("Not all brokers have rack information").And.Contain("without broker.rack: 2"));
    }
}
