namespace Broker.Coordination.Tests;

/// <summary>Kafka's rack-unaware placement, checked against the worked example in Kafka's AdminUtils documentation.</summary>
public sealed class ReplicaAssignmentTests
{
    [Test]
    public void FiveBrokers_StartIndexZero_MatchesKafkasExample()
    {
        var brokers = new[] { 0, 1, 2, 3, 4 };
        var a = ReplicaAssignment.AssignRackUnaware(10, 3, brokers, fixedStartIndex: 0);
        Assert.That(a[0], Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(a[1], Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(a[4], Is.EqualTo(new[] { 4, 0, 1 }));
        Assert.That(a[5], Is.EqualTo(new[] { 0, 2, 3 }), "the shift grows when the partitions wrap around the brokers");
        Assert.That(a[9], Is.EqualTo(new[] { 4, 1, 2 }));
    }

    [Test]
    public void ThreePartitionsOnThreeBrokers_HaveThreeDifferentLeaders_WhateverTheRandomStart()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var a = ReplicaAssignment.AssignRackUnaware(3, 1, [1, 2, 3], random: new Random(seed));
            Assert.That(a.Values.Select(r => r[0]).Distinct().Count(), Is.EqualTo(3));
        }
    }

    [Test]
    public void ReplicationFactorAboveBrokerCount_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => ReplicaAssignment.AssignRackUnaware(1, 4, [1, 2, 3]));
        Assert.That(ex!.Message, Does.Contain("larger than available brokers: 3"));
    }

    [Test]
    public void AddedPartitions_ContinueFromTheExistingCount()
    {
        var added = ReplicaAssignment.AssignNewPartitions(3, [2], 5, [(1, null), (2, null), (3, null)]);
        Assert.That(added.Keys, Is.EqualTo(new[] { 3, 4 }));
        Assert.That(added.Values.All(r => r.Length == 1));
    }

    private static readonly Dictionary<int, string> SixBrokersThreeRacks = new()
    {
        [0] = "rack1", [1] = "rack3", [2] = "rack3", [3] = "rack2", [4] = "rack2", [5] = "rack1",
    };

    [Test]
    public void RackAlternatedList_TakesOneBrokerFromEachRackInTurn()
    {
        // Racks sorted by name (rack1: 0,5; rack2: 3,4; rack3: 1,2), one broker of each in turn (Kafka's order).
        Assert.That(ReplicaAssignment.RackAlternatedBrokers(SixBrokersThreeRacks), Is.EqualTo(new[] { 0, 3, 1, 5, 4, 2 }));
    }

    [Test]
    public void RackAware_MatchesKafkasPlacement_ForAFixedStart()
    {
        var a = ReplicaAssignment.AssignRackAware(7, 3, SixBrokersThreeRacks, fixedStartIndex: 0, startPartitionId: 0);
        var expected = new Dictionary<int, int[]>
        {
            [0] = [0, 3, 1], [1] = [3, 1, 5], [2] = [1, 5, 4], [3] = [5, 4, 2], [4] = [4, 2, 0], [5] = [2, 0, 3], [6] = [0, 4, 2],
        };
        Assert.That(a, Is.EquivalentTo(expected));
    }

    [Test]
    public void RackAware_EveryPartitionSpansAsManyRacksAsItHasReplicas_AndLeadersSpreadEvenly([Values(1, 2, 3)] int replication)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var a = ReplicaAssignment.AssignRackAware(12, replication, SixBrokersThreeRacks, random: new Random(seed));
            foreach (var (p, replicas) in a)
            {
                Assert.That(replicas.Distinct().Count(), Is.EqualTo(replication), $"partition {p}: distinct brokers");
                Assert.That(replicas.Select(b => SixBrokersThreeRacks[b]).Distinct().Count(), Is.EqualTo(replication), $"partition {p}: one replica per rack");
            }

            Assert.That(a.Values.GroupBy(r => r[0]).Select(g => g.Count()), Is.All.EqualTo(2), "12 leaders over 6 brokers: 2 each");
        }
    }

    [Test]
    public void RackAware_MoreReplicasThanRacks_FillsEveryRackBeforeReusingOne()
    {
        var twoRacks = new Dictionary<int, string> { [1] = "a", [2] = "a", [3] = "b", [4] = "b" };
        var a = ReplicaAssignment.AssignRackAware(8, 3, twoRacks, random: new Random(7));
        foreach (var (p, replicas) in a)
        {
            Assert.That(replicas.Distinct().Count(), Is.EqualTo(3), $"partition {p}");
            Assert.That(replicas.Take(2).Select(b => twoRacks[b]).Distinct().Count(), Is.EqualTo(2), $"partition {p}: the first two replicas in different racks");
        }
    }

    [Test]
    public void Assign_WithoutAnyRack_IsRackUnaware_AndWithSomeRacksOnly_IsRefusedWithKafkasMessage()
    {
        var none = ReplicaAssignment.Assign(6, 2, [(3, null), (1, null), (2, null)], fixedStartIndex: 0);
        Assert.That(none, Is.EquivalentTo(ReplicaAssignment.AssignRackUnaware(6, 2, [1, 2, 3], fixedStartIndex: 0)));
        var ex = Assert.Throws<ArgumentException>(() => ReplicaAssignment.Assign(1, 1, [(1, "a"), (2, null)]));
        Assert.That(ex!.Message, Does.StartWith(ReplicaAssignment.MissingRackMessage));
    }

    [Test]
    public void AddedPartitions_AreRackAware_WhenTheBrokersHaveRacks()
    {
        var brokers = new List<(int, string?)> { (1, "a"), (2, "a"), (3, "b") };
        var added = ReplicaAssignment.AssignNewPartitions(2, [1, 3], 8, brokers);
        Assert.That(added.Keys, Is.EqualTo(new[] { 2, 3, 4, 5, 6, 7 }));
        Assert.That(added.Values.All(r => r.Contains(3)), "every partition has its replica in rack b (broker 3)");
    }
}
