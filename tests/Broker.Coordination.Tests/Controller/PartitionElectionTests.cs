using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Tests.Controller;

/// <summary>Kafka's clean leader election rules, as pure functions.</summary>
public sealed partial class PartitionElectionTests
{
    private static readonly HashSet<int> AllLive = [1, 2, 3];

    [Test]
    public void LiveLeader_IsKept()
    {
        var current = new PartitionStateZNode(2, 4, [2, 3], 1);
        Assert.That(PartitionElection.Elect(current, [2, 3], AllLive, false, 1), Is.Null);
    }

    [Test]
    public void DeadLeader_IsReplacedByTheNextLiveIsrMember_AndTheEpochGrows()
    {
        var current = new PartitionStateZNode(1, 4, [1, 2, 3], 1);
        var next = PartitionElection.Elect(current, [1, 2, 3], new HashSet<int> { 2, 3 }, false, 2)!;
        Assert.That((next.Leader, next.LeaderEpoch, next.ControllerEpoch), Is.EqualTo((2, 5, 2)));
        Assert.That(next.Isr, Is.EquivalentTo(new[] { 2, 3 }));
    }

    [Test]
    public void OnlyReplicaDead_GoesOffline_KeepingItInTheIsr_ThenReturnsWithIt()
    {
        var current = new PartitionStateZNode(1, 0, [1], 1);
        var offline = PartitionElection.Elect(current, [1], new HashSet<int> { 2, 3 }, false, 1)!;
        Assert.That((offline.Leader, offline.LeaderEpoch), Is.EqualTo((-1, 1)));
        Assert.That(offline.Isr, Is.EqualTo(new[] { 1 }));
        Assert.That(PartitionElection.Elect(offline, [1], new HashSet<int> { 2, 3 }, false, 1), Is.Null, "no change while it stays dead");
        var back = PartitionElection.Elect(offline, [1], AllLive, false, 1)!;
        Assert.That((back.Leader, back.LeaderEpoch), Is.EqualTo((1, 2)));
    }

    [Test]
    public void NoLiveIsrMember_StaysOffline_UnlessUncleanElectionIsEnabled()
    {
        var current = new PartitionStateZNode(1, 3, [1], 1);
        var live = new HashSet<int> { 2 };
        Assert.That(PartitionElection.Elect(current, [1, 2], live, false, 1)!.Leader, Is.EqualTo(-1));
        var unclean = PartitionElection.Elect(current, [1, 2], live, true, 1)!;
        Assert.That((unclean.Leader, unclean.Isr.Single()), Is.EqualTo((2, 2)));
    }

    [Test]
    public void NewPartition_FirstLiveReplicaLeads()
    {
        var state = PartitionElection.Initial([3, 1, 2], new HashSet<int> { 1, 2 }, 7)!;
        Assert.That((state.Leader, state.LeaderEpoch, state.ControllerEpoch), Is.EqualTo((1, 0, 7)));
        Assert.That(state.Isr, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void NewPartition_WithoutLiveReplica_WaitsWithoutState()
    {
        Assert.That(PartitionElection.Initial([3, 4], new HashSet<int> { 1, 2 }, 7), Is.Null);
    }

    [Test]
    public void Reconcile_DeadFollower_LeavesIsr_LeaderAndEpochKept()
    {
        var current = new PartitionStateZNode(1, 4, [1, 2, 3], 1);
        var next = PartitionElection.Reconcile(current, [1, 2, 3], new HashSet<int> { 1, 2 }, new HashSet<int>(), false, 2)!;
        Assert.That((next.Leader, next.LeaderEpoch, next.ControllerEpoch), Is.EqualTo((1, 4, 2)));
        Assert.That(next.Isr, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Reconcile_AllFollowersDead_IsrKeepsTheLeader()
    {
        var current = new PartitionStateZNode(2, 0, [2, 1, 3], 1);
        var next = PartitionElection.Reconcile(current, [1, 2, 3], new HashSet<int> { 2 }, new HashSet<int>(), false, 1)!;
        Assert.That(next.Isr, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void Reconcile_HealthyPartition_NoChange()
    {
        var current = new PartitionStateZNode(1, 4, [1, 2], 1);
        Assert.That(PartitionElection.Reconcile(current, [1, 2, 3], AllLive, new HashSet<int>(), false, 1), Is.Null);
    }

    [Test]
    public void Reconcile_DeadLeader_NewLeaderFromIsr_DeadReplicaRemoved_EpochGrows()
    {
        var current = new PartitionStateZNode(1, 4, [1, 2, 3], 1);
        var next = PartitionElection.Reconcile(current, [1, 2, 3], new HashSet<int> { 2, 3 }, new HashSet<int>(), false, 1)!;
        Assert.That((next.Leader, next.LeaderEpoch), Is.EqualTo((2, 5)));
        Assert.That(next.Isr, Is.EquivalentTo(new[] { 2, 3 }));
    }

    [Test]
    public void Reconcile_DeadLeader_ShuttingDownIsrMemberIsNotElected()
    {
        var current = new PartitionStateZNode(1, 4, [1, 2, 3], 1);
        var next = PartitionElection.Reconcile(current, [1, 2, 3], new HashSet<int> { 2, 3 }, new HashSet<int> { 2 }, false, 1)!;
        Assert.That((next.Leader, next.Isr.Single()), Is.EqualTo((3, 3)));
    }

    [Test]
    public void Reconcile_LiveLeaderShuttingDown_KeepsLeading()
    {
        var current = new PartitionStateZNode(2, 4, [2], 1);
        Assert.That(PartitionElection.Reconcile(current, [2], AllLive, new HashSet<int> { 2 }, false, 1), Is.Null);
    }

    [Test]
    public void NeedsUncleanChoice_OnlyWhenNoIsrMemberCanLeadButAnotherReplicaCould()
    {
        var none = new HashSet<int>();
        var isrDead = new PartitionStateZNode(1, 3, [1], 1);
        Assert.That(PartitionElection.NeedsUncleanChoice(isrDead, [1, 2], new HashSet<int> { 2 }, none), Is.True);
        Assert.That(PartitionElection.NeedsUncleanChoice(isrDead, [1, 2], new HashSet<int> { 3 }, none), Is.False, "no live replica at all");
        Assert.That(PartitionElection.NeedsUncleanChoice(isrDead, [1, 2], new HashSet<int> { 1, 2 }, none), Is.False, "leader alive");
        var isrAlive = new PartitionStateZNode(1, 3, [1, 2], 1);
        Assert.That(PartitionElection.NeedsUncleanChoice(isrAlive, [1, 2], new HashSet<int> { 2 }, none), Is.False, "clean candidate");
    }
}
