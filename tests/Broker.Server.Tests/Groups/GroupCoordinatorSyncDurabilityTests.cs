using Broker.Protocol;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

/// <summary>
/// The leader's SyncGroup stores the group (with its assignment) in <c>__consumer_offsets</c> and only then answers
/// the members, as Kafka does; when the write fails every waiting member gets the mapped error and the group
/// rebalances, so no member runs with an assignment a new coordinator would not know.
/// </summary>
public sealed class GroupCoordinatorSyncDurabilityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private CoordinatorHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = new CoordinatorHarness();
        await _h.LoadAsync("g");
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    [Test]
    public async Task LeaderSync_AnswersOnlyOnceTheGroupMetadataIsDurable()
    {
        var (a, b) = await JoinTwo();
        var ack = new TaskCompletionSource<ErrorCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Topic.AppendOutcome = () => new ValueTask<ErrorCode>(ack.Task);

        var followerSync = _h.Sync("g", b);
        var leaderSync = _h.Sync("g", a, (a.MemberId, [1]), (b.MemberId, [2]));
        Assert.That(leaderSync.IsCompleted || followerSync.IsCompleted, Is.False, "answered before the group metadata was acknowledged");
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.CompletingRebalance));

        ack.SetResult(ErrorCode.None);
        var (leader, follower) = (await leaderSync.WaitAsync(Bound), await followerSync.WaitAsync(Bound));
        Assert.That((leader.Error, leader.Assignment), Is.EqualTo((ErrorCode.None, new byte[] { 1 })));
        Assert.That((follower.Error, follower.Assignment), Is.EqualTo((ErrorCode.None, new byte[] { 2 })));
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.Stable));
    }

    [TestCase(ErrorCode.NotCoordinator, ErrorCode.NotCoordinator)]
    [TestCase(ErrorCode.CoordinatorNotAvailable, ErrorCode.CoordinatorNotAvailable)]
    [TestCase(ErrorCode.RecordListTooLarge, ErrorCode.UnknownServerError)]
    public async Task LeaderSync_WhenTheAppendFails_AnswersTheMappedError_AndTheGroupRebalances(ErrorCode appendError, ErrorCode answered)
    {
        var (a, b) = await JoinTwo();
        var followerSync = _h.Sync("g", b);
        _h.Topic.AppendOutcome = () => ValueTask.FromResult(appendError);

        var leader = await _h.Sync("g", a, (a.MemberId, [1]), (b.MemberId, [2])).WaitAsync(Bound);
        var follower = await followerSync.WaitAsync(Bound);

        Assert.That(leader.Error, Is.EqualTo(answered));
        Assert.That(follower.Error, Is.EqualTo(answered));
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.PreparingRebalance));
        Assert.That(_h.Heartbeat("g", a), Is.EqualTo(ErrorCode.RebalanceInProgress), "members are told to rejoin");

        _h.Topic.AppendOutcome = null;
        var rejoinA = _h.Join("g", a.MemberId);
        var rejoinB = _h.Join("g", b.MemberId);
        var (ra, rb) = (await rejoinA.WaitAsync(Bound), await rejoinB.WaitAsync(Bound));
        Assert.That((ra.Error, rb.Error), Is.EqualTo((ErrorCode.None, ErrorCode.None)));
        Assert.That(ra.GenerationId, Is.EqualTo(a.GenerationId + 1));
    }

    [Test]
    public async Task LeaderSync_WhoseAppendCompletesAfterTheGroupMovedOn_ChangesNothing()
    {
        var (a, b) = await JoinTwo();
        // Continuations run inline, so the coordinator has handled the late acknowledgement when SetResult returns.
        var ack = new TaskCompletionSource<ErrorCode>();
        _h.Topic.AppendOutcome = () => new ValueTask<ErrorCode>(ack.Task);
        var leaderSync = _h.Sync("g", a, (a.MemberId, [1]), (b.MemberId, [2]));
        _h.Topic.AppendOutcome = null;

        // b leaves while the write is in flight: a new rebalance starts and the pending answer is superseded.
        _h.Coordinator.LeaveGroup("g", [(b.MemberId, null)]);
        var leader = await leaderSync.WaitAsync(Bound);
        Assert.That(leader.Error, Is.EqualTo(ErrorCode.RebalanceInProgress));

        var rejoin = await _h.Join("g", a.MemberId).WaitAsync(Bound);
        Assert.That(rejoin.GenerationId, Is.EqualTo(a.GenerationId + 1));
        ack.SetResult(ErrorCode.None);
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.CompletingRebalance), "the late acknowledgement did not make the group Stable");
    }

    private async Task<(JoinGroupResult A, JoinGroupResult B)> JoinTwo()
    {
        var a = await _h.Join("g", clientId: "a");
        await _h.Sync("g", a, (a.MemberId, [0]));
        var bTask = _h.Join("g", clientId: "b");
        var aTask = _h.Join("g", a.MemberId);
        return (await aTask.WaitAsync(Bound), await bTask.WaitAsync(Bound));
    }
}
