using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Tests.Controller;

public sealed partial class PartitionElectionTests
{
    private static readonly HashSet<int> Stopping2 = [2];

    [Test]
    public void ControlledShutdown_Leader_HandsOverToNextIsrMember_AndLeavesIsr()
    {
        var current = new PartitionStateZNode(2, 7, [2, 1, 3], 1);
        var next = PartitionElection.ForControlledShutdown(current, [2, 1, 3], AllLive, Stopping2, 2, 3)!;
        Assert.That((next.Leader, next.LeaderEpoch, next.ControllerEpoch), Is.EqualTo((1, 8, 3)));
        Assert.That(next.Isr, Is.EquivalentTo(new[] { 1, 3 }));
    }

    [Test]
    public void ControlledShutdown_Leader_SkipsOtherShuttingDownAndDeadReplicas()
    {
        var current = new PartitionStateZNode(2, 7, [2, 1, 3, 4], 1);
        var next = PartitionElection.ForControlledShutdown(current, [2, 1, 3, 4], new HashSet<int> { 1, 2, 4 }, new HashSet<int> { 1, 2 }, 2, 1)!;
        Assert.That(next.Leader, Is.EqualTo(4));
        Assert.That(next.Isr, Is.EquivalentTo(new[] { 3, 4 }), "shutting-down brokers leave; dead ones are the dead-follower rule's business");
    }

    [Test]
    public void ControlledShutdown_SoleReplica_KeepsLeading()
    {
        var current = new PartitionStateZNode(2, 0, [2], 1);
        Assert.That(PartitionElection.ForControlledShutdown(current, [2], AllLive, Stopping2, 2, 1), Is.Null);
    }

    [Test]
    public void ControlledShutdown_LeaderWithoutOtherLiveIsrMember_KeepsLeading()
    {
        var current = new PartitionStateZNode(2, 0, [2, 1], 1);
        Assert.That(PartitionElection.ForControlledShutdown(current, [2, 1, 3], new HashSet<int> { 2, 3 }, Stopping2, 2, 1), Is.Null);
    }

    [Test]
    public void ControlledShutdown_Follower_LeavesIsr_LeaderEpochKept()
    {
        var current = new PartitionStateZNode(1, 5, [1, 2, 3], 1);
        var next = PartitionElection.ForControlledShutdown(current, [1, 2, 3], AllLive, Stopping2, 2, 2)!;
        Assert.That((next.Leader, next.LeaderEpoch, next.ControllerEpoch), Is.EqualTo((1, 5, 2)));
        Assert.That(next.Isr, Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void ControlledShutdown_FollowerOutsideIsr_OrOfflinePartition_NoChange()
    {
        Assert.That(PartitionElection.ForControlledShutdown(new PartitionStateZNode(1, 5, [1, 3], 1), [1, 2, 3], AllLive, Stopping2, 2, 1), Is.Null);
        Assert.That(PartitionElection.ForControlledShutdown(new PartitionStateZNode(-1, 5, [2], 1), [1, 2], AllLive, Stopping2, 2, 1), Is.Null);
    }
}
