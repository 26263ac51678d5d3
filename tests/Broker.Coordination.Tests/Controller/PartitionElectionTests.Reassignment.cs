using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Tests.Controller;

/// <summary>The state a reassignment step writes (<see cref="PartitionElection.Reassigned"/>).</summary>
[TestFixture]
public sealed class PartitionElectionReassignmentTests
{
    private static readonly HashSet<int> AllLive = [1, 2, 3, 4];
    private static readonly HashSet<int> NoneStopping = [];

    [Test]
    public void LeaderInTheTarget_KeepsLeading_WithTheEpochBumped_AndTheIsrCutToTheTarget()
    {
        var next = PartitionElection.Reassigned(new PartitionStateZNode(2, 7, [1, 2, 3], 1), [2, 3, 4], AllLive, NoneStopping, 5);
        Assert.That(next, Is.EqualTo(new PartitionStateZNode(2, 8, [2, 3], 5)).Using<PartitionStateZNode>(Same));
    }

    [Test]
    public void LeaderOutsideTheTarget_TheFirstTargetReplicaInTheIsrLeads()
    {
        var next = PartitionElection.Reassigned(new PartitionStateZNode(1, 3, [1, 2, 3, 4], 1), [4, 3], AllLive, NoneStopping, 5);
        Assert.That(next, Is.EqualTo(new PartitionStateZNode(4, 4, [3, 4], 5)).Using<PartitionStateZNode>(Same));
    }

    [Test]
    public void NoLiveTargetReplicaInTheIsr_Waits()
    {
        Assert.That(PartitionElection.Reassigned(new PartitionStateZNode(1, 3, [1, 2], 1), [3, 4], AllLive, NoneStopping, 5), Is.Null);
        Assert.That(PartitionElection.Reassigned(new PartitionStateZNode(1, 3, [1, 3], 1), [3], AllLive, new HashSet<int> { 3 }, 5), Is.Null,
            "a broker in controlled shutdown is not elected");
    }

    private static bool Same(PartitionStateZNode a, PartitionStateZNode b) =>
        a.Leader == b.Leader && a.LeaderEpoch == b.LeaderEpoch && a.Isr.SequenceEqual(b.Isr) && a.ControllerEpoch == b.ControllerEpoch;
}
