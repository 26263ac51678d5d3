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
        var added = ReplicaAssignment.AssignNewPartitions(3, [2], 5, [1, 2, 3]);
        Assert.That(added.Keys, Is.EqualTo(new[] { 3, 4 }));
        Assert.That(added.Values.All(r => r.Length == 1));
    }
}
