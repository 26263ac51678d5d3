using Broker.Protocol;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

public sealed class GroupCoordinatorMembershipTests
{
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
    public async Task Join_V4WithoutMemberId_AnswersMemberIdRequiredThenJoins()
    {
        var first = await _h.Join("g", clientId: "rdkafka", requireKnownMemberId: true);
        Assert.That(first.Error, Is.EqualTo(ErrorCode.MemberIdRequired));
        Assert.That(first.MemberId, Does.StartWith("rdkafka-"));
        Assert.That(Guid.TryParse(first.MemberId["rdkafka-".Length..], out _), Is.True);

        var joined = await _h.Join("g", first.MemberId, requireKnownMemberId: true);
        Assert.That(joined.Error, Is.EqualTo(ErrorCode.None));
        Assert.That((joined.GenerationId, joined.ProtocolName, joined.LeaderId, joined.MemberId), Is.EqualTo((1, "range", first.MemberId, first.MemberId)));
        Assert.That(joined.Members.Select(m => m.MemberId), Is.EqualTo(new[] { first.MemberId }));
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.CompletingRebalance));
    }

    [Test]
    public async Task Sync_LeaderAssignments_ReachEveryMemberAndGroupIsStable()
    {
        var (a, b) = await JoinTwo();
        var followerSync = _h.Sync("g", b);
        Assert.That(followerSync.IsCompleted, Is.False, "a follower waits for the leader's assignment");
        var leaderSync = await _h.Sync("g", a, (a.MemberId, [1]), (b.MemberId, [2]));
        Assert.That(leaderSync.Assignment, Is.EqualTo(new byte[] { 1 }));
        Assert.That((await followerSync.WaitAsync(TimeSpan.FromSeconds(5))).Assignment, Is.EqualTo(new byte[] { 2 }));
        var described = _h.Coordinator.DescribeGroup("g");
        Assert.That(described.State, Is.EqualTo(GroupState.Stable));
        Assert.That(described.ProtocolData, Is.EqualTo("range"));
        Assert.That(described.Members.Select(m => m.ClientHost), Has.All.EqualTo("/127.0.0.1"));
        Assert.That(_h.Heartbeat("g", a), Is.EqualTo(ErrorCode.None));
    }

    [Test]
    public async Task InitialDelay_CollectsMembersJoiningWithinTheDelay()
    {
        using var h = new CoordinatorHarness(new GroupCoordinatorOptions { InitialRebalanceDelayMs = 3000 });
        await h.LoadAsync("g");
        var a = h.Join("g", clientId: "a");
        h.Advance(2000);
        var b = h.Join("g", clientId: "b");
        h.Advance(1000);
        Assert.That(a.IsCompleted || b.IsCompleted, Is.False, "a new member extends the delay by another delay");
        h.Advance(2999);
        Assert.That(a.IsCompleted || b.IsCompleted, Is.False);
        h.Advance(1);
        var (ra, rb) = (await a.WaitAsync(TimeSpan.FromSeconds(5)), await b.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That((ra.GenerationId, rb.GenerationId), Is.EqualTo((1, 1)));
        Assert.That(ra.Members.Count + rb.Members.Count, Is.EqualTo(2), "only the leader sees the members");
    }

    [Test]
    public async Task Heartbeat_DuringRebalance_AnswersRebalanceInProgress()
    {
        var (a, b) = await StableTwo();
        var rejoin = _h.Join("g", a.MemberId, protocols: [("range", CoordinatorHarness.Subscription("t", "u"))]);
        Assert.That(rejoin.IsCompleted, Is.False);
        Assert.That(_h.Heartbeat("g", b), Is.EqualTo(ErrorCode.RebalanceInProgress));
        var bRejoin = await _h.Join("g", b.MemberId);
        Assert.That(bRejoin.GenerationId, Is.EqualTo(a.GenerationId + 1));
        Assert.That((await rejoin).GenerationId, Is.EqualTo(a.GenerationId + 1));
    }

    [Test]
    public async Task MemberWithoutHeartbeats_IsRemovedAfterSessionTimeout_AndGroupRebalances()
    {
        var (a, b) = await StableTwo();
        for (int i = 0; i < 3; i++)
        {
            _h.Advance(3000);
            Assert.That(_h.Heartbeat("g", a), Is.EqualTo(ErrorCode.None));
        }

        // b never heartbeated: 12 s > its 10 s session.
        _h.Advance(3000);
        Assert.That(_h.Coordinator.DescribeGroup("g").Members.Select(m => m.MemberId), Is.EqualTo(new[] { a.MemberId }));
        Assert.That(_h.Heartbeat("g", a), Is.EqualTo(ErrorCode.RebalanceInProgress));
        Assert.That(_h.Heartbeat("g", b), Is.EqualTo(ErrorCode.UnknownMemberId));
        var again = await _h.Join("g", a.MemberId);
        Assert.That((again.Error, again.GenerationId, again.Members.Count), Is.EqualTo((ErrorCode.None, a.GenerationId + 1, 1)));
    }

    [Test]
    public async Task Leave_RebalancesRemainingMembers_AndLastLeaveEmptiesTheGroup()
    {
        var (a, b) = await StableTwo();
        var (error, perMember) = _h.Coordinator.LeaveGroup("g", [(b.MemberId, null)]);
        Assert.That((error, perMember.Single()), Is.EqualTo((ErrorCode.None, ErrorCode.None)));
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.PreparingRebalance));
        var rejoined = await _h.Join("g", a.MemberId);
        Assert.That(rejoined.GenerationId, Is.EqualTo(a.GenerationId + 1));
        await _h.Sync("g", rejoined, (a.MemberId, [7]));
        _h.Coordinator.LeaveGroup("g", [(a.MemberId, null)]);
        var described = _h.Coordinator.DescribeGroup("g");
        Assert.That((described.State, described.Members.Count), Is.EqualTo((GroupState.Empty, 0)));
        Assert.That(_h.Coordinator.LeaveGroup("g", [("nobody", null)]).MemberErrors.Single(), Is.EqualTo(ErrorCode.UnknownMemberId));
    }

    [Test]
    public async Task StaticMember_RejoiningWithoutMemberId_KeepsAssignmentWithoutRebalance()
    {
        var first = await _h.Join("g", instanceId: "i1", clientId: "c1");
        await _h.Sync("g", first, (first.MemberId, [5]));
        var again = await _h.Join("g", instanceId: "i1", clientId: "c1");
        Assert.That(again.Error, Is.EqualTo(ErrorCode.None));
        Assert.That(again.MemberId, Is.Not.EqualTo(first.MemberId));
        Assert.That(again.GenerationId, Is.EqualTo(first.GenerationId), "no rebalance");
        var sync = await _h.Coordinator.SyncGroupAsync(new SyncGroupCommand("g", again.GenerationId, again.MemberId, "i1", null, null, []));
        Assert.That(sync.Assignment, Is.EqualTo(new byte[] { 5 }));
        Assert.That(_h.Coordinator.Heartbeat("g", first.MemberId, "i1", first.GenerationId), Is.EqualTo(ErrorCode.FencedInstanceId));
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.Stable));
    }

    [Test]
    public async Task RebalanceTimeout_RemovesMembersThatDidNotRejoin()
    {
        var (a, b) = await StableTwo();
        var rejoin = _h.Join("g", a.MemberId, protocols: [("range", CoordinatorHarness.Subscription("t", "u"))]);
        for (int elapsed = 0; elapsed < CoordinatorHarness.RebalanceMs - 3000; elapsed += 3000)
        {
            _h.Advance(3000);
            Assert.That(_h.Heartbeat("g", b), Is.EqualTo(ErrorCode.RebalanceInProgress), "b stays alive but never rejoins");
            Assert.That(rejoin.IsCompleted, Is.False);
        }

        _h.Advance(3000);
        var result = await rejoin.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That((result.Error, result.GenerationId, result.Members.Count), Is.EqualTo((ErrorCode.None, a.GenerationId + 1, 1)));
        Assert.That(_h.Heartbeat("g", b), Is.EqualTo(ErrorCode.UnknownMemberId));
    }

    [Test]
    public async Task Join_SessionTimeoutOutsideBounds_IsInvalidSessionTimeout()
    {
        Assert.That((await _h.Join("g", sessionMs: 5999)).Error, Is.EqualTo(ErrorCode.InvalidSessionTimeout));
        Assert.That((await _h.Join("g", sessionMs: 1_800_001)).Error, Is.EqualTo(ErrorCode.InvalidSessionTimeout));
    }

    [Test]
    public async Task Protocol_IsTheMostVotedOneEveryMemberSupports()
    {
        using var h = new CoordinatorHarness(new GroupCoordinatorOptions { InitialRebalanceDelayMs = 100 });
        await h.LoadAsync("g");
        byte[] s = CoordinatorHarness.Subscription("t");
        var a = h.Join("g", clientId: "a", protocols: [("roundrobin", s), ("range", s), ("sticky", s)]);
        var b = h.Join("g", clientId: "b", protocols: [("range", s), ("roundrobin", s)]);
        var c = h.Join("g", clientId: "c", protocols: [("range", s), ("roundrobin", s)]);
        h.Advance(100); // b and c joined during the first delay: one more delay
        h.Advance(100);
        Assert.That((await a.WaitAsync(TimeSpan.FromSeconds(5))).ProtocolName, Is.EqualTo("range"));
        var unsupported = await h.Join("g", clientId: "d", protocols: [("sticky", s)]);
        Assert.That(unsupported.Error, Is.EqualTo(ErrorCode.InconsistentGroupProtocol));
        _ = (b, c);
    }

    [Test]
    public async Task Requests_ForAPartitionStillLoading_AnswerLoadInProgress()
    {
        using var gate = new ManualResetEventSlim(false);
        using var h = new CoordinatorHarness(topic: new InMemoryOffsetsTopic { ReadGate = gate });
        await h.Topic.EnsureCreatedAsync();
        var loading = h.Coordinator.LoadPartitionAsync(h.Coordinator.PartitionFor("g"));
        Assert.That((await h.Join("g")).Error, Is.EqualTo(ErrorCode.CoordinatorLoadInProgress));
        Assert.That(h.Coordinator.FetchOffsets("g", null).Error, Is.EqualTo(ErrorCode.CoordinatorLoadInProgress));
        Assert.That((await h.Join("other-group-not-owned")).Error, Is.EqualTo(ErrorCode.NotCoordinator).Or.EqualTo(ErrorCode.CoordinatorLoadInProgress));
        gate.Set();
        await loading;
        Assert.That((await h.Join("g")).Error, Is.EqualTo(ErrorCode.None));
    }

    private async Task<(JoinGroupResult A, JoinGroupResult B)> JoinTwo()
    {
        var a = await _h.Join("g", clientId: "a");
        await _h.Sync("g", a, (a.MemberId, [0]));
        var bTask = _h.Join("g", clientId: "b");
        var aTask = _h.Join("g", a.MemberId);
        return (await aTask.WaitAsync(TimeSpan.FromSeconds(5)), await bTask.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private async Task<(JoinGroupResult A, JoinGroupResult B)> StableTwo()
    {
        var (a, b) = await JoinTwo();
        var follower = _h.Sync("g", b);
        await _h.Sync("g", a, (a.MemberId, [1]), (b.MemberId, [2]));
        await follower;
        return (a, b);
    }
}
