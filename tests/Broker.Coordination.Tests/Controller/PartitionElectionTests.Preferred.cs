using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Tests.Controller;

public sealed partial class PartitionElectionTests
{
    private static readonly HashSet<int> NoneStopping = [];

    [Test]
    public void Preferred_LiveInSyncPreferredReplica_TakesOver_EpochGrows_IsrKept()
    {
        var current = new PartitionStateZNode(2, 3, [2, 1], 1);
        var next = PartitionElection.Preferred(current, [1, 2], AllLive, NoneStopping, 4)!;
        Assert.That((next.Leader, next.LeaderEpoch, next.ControllerEpoch), Is.EqualTo((1, 4, 4)));
        Assert.That(next.Isr, Is.EqualTo(new[] { 2, 1 }));
    }

    [Test]
    public void Preferred_NotMoved_WhenAlreadyLeading_OutOfSync_Dead_OrShuttingDown()
    {
        Assert.That(PartitionElection.Preferred(new PartitionStateZNode(1, 3, [1, 2], 1), [1, 2], AllLive, NoneStopping, 1), Is.Null, "already leads");
        Assert.That(PartitionElection.Preferred(new PartitionStateZNode(2, 3, [2], 1), [1, 2], AllLive, NoneStopping, 1), Is.Null, "not in ISR");
        Assert.That(PartitionElection.Preferred(new PartitionStateZNode(2, 3, [2, 1], 1), [1, 2], new HashSet<int> { 2 }, NoneStopping, 1), Is.Null, "dead");
        Assert.That(PartitionElection.Preferred(new PartitionStateZNode(2, 3, [2, 1], 1), [1, 2], AllLive, new HashSet<int> { 1 }, 1), Is.Null, "shutting down");
    }

    [Test]
    public void Imbalance_AboveThreshold_ReturnsEveryPartitionLedElsewhere()
    {
        // Broker 1 prefers 4 partitions and leads 2 of them: 50 % > 10 %.
        var partitions = new (string, int[], int?)[]
        {
            ("a", [1, 2], 1), ("b", [1, 2], 2), ("c", [1, 3], 3), ("d", [1, 2], 1),
            ("e", [2, 1], 2), // broker 2 leads all its preferred partitions
        };
        Assert.That(PartitionElection.ImbalancedPartitions(partitions, 10), Is.EquivalentTo(new[] { "b", "c" }));
    }

    [Test]
    public void Imbalance_AtOrBelowThreshold_ReturnsNothing()
    {
        // 1 of 10 partitions preferred on broker 1 is led elsewhere: exactly 10 % is not "more than" 10 %.
        var partitions = Enumerable.Range(0, 10).Select(i => (i, new[] { 1, 2 }, (int?)(i == 0 ? 2 : 1))).ToList();
        Assert.That(PartitionElection.ImbalancedPartitions(partitions, 10), Is.Empty);
        Assert.That(PartitionElection.ImbalancedPartitions(partitions, 9), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void Imbalance_PartitionsWithoutState_CountButAreNotCandidates()
    {
        var partitions = new (string, int[], int?)[] { ("a", [1, 2], null), ("b", [1, 2], 2) };
        Assert.That(PartitionElection.ImbalancedPartitions(partitions, 10), Is.EqualTo(new[] { "b" }));
        Assert.That(PartitionElection.ImbalancedPartitions(partitions, 50), Is.Empty, "1 of 2 is not more than 50 %");
    }
}
