using Broker.Protocol;
using Broker.Server.Groups;
using Broker.Server.Groups.Records;

namespace Broker.Server.Tests.Groups;

public sealed class GroupCoordinatorOffsetsTests
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
    public async Task SimpleCommit_WithGenerationMinusOne_IsStoredAndFetched()
    {
        var errors = await _h.Commit("g", -1, "", ("t", 0, 10), ("t", 1, 20));
        Assert.That(errors, Has.All.EqualTo(ErrorCode.None));
        var (error, offsets) = _h.Coordinator.FetchOffsets("g", [("t", [0, 1, 2])]);
        Assert.That(error, Is.EqualTo(ErrorCode.None));
        Assert.That(offsets.Select(o => o.Offset), Is.EqualTo(new long[] { 10, 20, -1 }));
        var all = _h.Coordinator.FetchOffsets("g", null).Offsets;
        Assert.That(all.Select(o => (o.Topic, o.Partition)), Is.EqualTo(new[] { ("t", 0), ("t", 1) }));
    }

    [Test]
    public async Task Commit_WritesOffsetKeyV1AndValueV3Records()
    {
        await _h.Commit("g", -1, "", ("t", 3, 99));
        var (key, value) = _h.Topic.Records(_h.Coordinator.PartitionFor("g")).Single();
        Assert.That(OffsetsRecordCodec.DecodeKey(key).Offset, Is.EqualTo(new OffsetCommitKey("g", "t", 3)));
        Assert.That(value![..2], Is.EqualTo(new byte[] { 0, 3 }));
        Assert.That(OffsetsRecordCodec.DecodeOffsetValue(value).Offset, Is.EqualTo(99));
    }

    [Test]
    public async Task Commit_FromMemberOfOtherGeneration_IsIllegalGeneration_UnknownMemberIsRefused()
    {
        var a = await _h.Join("g");
        await _h.Sync("g", a, (a.MemberId, []));
        Assert.That(await _h.Commit("g", a.GenerationId, a.MemberId, ("t", 0, 1)), Has.All.EqualTo(ErrorCode.None));
        Assert.That(await _h.Commit("g", a.GenerationId + 1, a.MemberId, ("t", 0, 1)), Has.All.EqualTo(ErrorCode.IllegalGeneration));
        Assert.That(await _h.Commit("g", a.GenerationId, "stranger", ("t", 0, 1)), Has.All.EqualTo(ErrorCode.UnknownMemberId));
        Assert.That(await _h.Commit("g", -1, "", ("t", 0, 1)), Has.All.EqualTo(ErrorCode.UnknownMemberId), "simple commits need an empty group");
        Assert.That(await _h.Commit("g", a.GenerationId, a.MemberId, ("missing", 0, 1)), Has.All.EqualTo(ErrorCode.UnknownTopicOrPartition));
    }

    [Test]
    public async Task DeleteGroup_WithMembers_IsNonEmpty_WhenEmpty_TombstonesEverything()
    {
        var a = await _h.Join("g");
        await _h.Sync("g", a, (a.MemberId, []));
        await _h.Commit("g", a.GenerationId, a.MemberId, ("t", 0, 5));
        Assert.That(await _h.Coordinator.DeleteGroupAsync("g"), Is.EqualTo(ErrorCode.NonEmptyGroup));
        _h.Coordinator.LeaveGroup("g", [(a.MemberId, null)]);
        Assert.That(await _h.Coordinator.DeleteGroupAsync("g"), Is.EqualTo(ErrorCode.None));
        Assert.That(await _h.Coordinator.DeleteGroupAsync("g"), Is.EqualTo(ErrorCode.GroupIdNotFound));
        Assert.That(_h.Coordinator.DescribeGroup("g").State, Is.EqualTo(GroupState.Dead));
        var tail = _h.Topic.Records(_h.Coordinator.PartitionFor("g")).TakeLast(2).ToList();
        Assert.That(tail.Select(r => r.Value), Has.All.Null);
    }

    [Test]
    public async Task OffsetDelete_SubscribedTopicIsRefused_OthersAreDeleted()
    {
        var a = await _h.Join("g", protocols: [("range", CoordinatorHarness.Subscription("t"))]);
        await _h.Sync("g", a, (a.MemberId, []));
        await _h.Commit("g", a.GenerationId, a.MemberId, ("t", 0, 5), ("u", 0, 6));
        var (error, perPartition) = await _h.Coordinator.DeleteOffsetsAsync("g", [("t", 0), ("u", 0)]);
        Assert.That(error, Is.EqualTo(ErrorCode.None));
        Assert.That(perPartition, Is.EqualTo(new[] { ErrorCode.GroupSubscribedToTopic, ErrorCode.None }));
        Assert.That(_h.Coordinator.FetchOffsets("g", null).Offsets.Select(o => o.Topic), Is.EqualTo(new[] { "t" }));
        await _h.LoadAsync("nope");
        Assert.That((await _h.Coordinator.DeleteOffsetsAsync("nope", [("t", 0)])).Error, Is.EqualTo(ErrorCode.GroupIdNotFound));
    }

    [Test]
    public async Task ListGroups_FiltersByState()
    {
        await _h.Commit("g", -1, "", ("t", 0, 1));
        Assert.That(_h.Coordinator.ListGroups().Groups.Single(), Is.EqualTo(new GroupListing("g", "", GroupState.Empty)));
        Assert.That(_h.Coordinator.ListGroups(["stable"]).Groups, Is.Empty);
        Assert.That(_h.Coordinator.ListGroups(["EMPTY"]).Groups, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Expiry_RemovesOffsetsOfEmptyGroupsAfterRetention_ThenTheGroup()
    {
        await _h.Commit("g", -1, "", ("t", 0, 1));
        _h.Advance((int)(_h.Options.OffsetsRetentionMs - 1000));
        Assert.That(_h.Coordinator.ExpireOffsets(), Is.EqualTo(0));
        _h.Advance(1000);
        Assert.That(_h.Coordinator.ExpireOffsets(), Is.EqualTo(1));
        Assert.That(_h.Coordinator.FetchOffsets("g", [("t", [0])]).Offsets.Single().Offset, Is.EqualTo(-1));
        Assert.That(_h.Coordinator.ListGroups().Groups, Is.Empty);
        var records = _h.Topic.Records(_h.Coordinator.PartitionFor("g"));
        Assert.That(records.TakeLast(2).Select(r => r.Value), Has.All.Null);
    }

    [Test]
    public async Task Replay_RestoresOffsetsAndGroupAndHonoursTombstones()
    {
        var a = await _h.Join("g");
        await _h.Sync("g", a, (a.MemberId, [4, 2]));
        await _h.Commit("g", a.GenerationId, a.MemberId, ("t", 0, 5), ("u", 1, 6));
        await _h.Commit("g", a.GenerationId, a.MemberId, ("t", 0, 7));
        Assert.That((await _h.Coordinator.DeleteOffsetsAsync("g", [("u", 1)])).PartitionErrors.Single(), Is.EqualTo(ErrorCode.None));
        await _h.Commit("h", -1, "", ("t", 0, 1));
        await _h.LoadAsync("h");
        await _h.Commit("h", -1, "", ("t", 0, 1));
        Assert.That(await _h.Coordinator.DeleteGroupAsync("h"), Is.EqualTo(ErrorCode.None));

        using var restarted = new CoordinatorHarness(topic: _h.Topic, time: _h.Time);
        await restarted.LoadAsync("g");
        await restarted.LoadAsync("h");
        var offsets = restarted.Coordinator.FetchOffsets("g", null).Offsets;
        Assert.That(offsets.Select(o => (o.Topic, o.Partition, o.Offset)), Is.EqualTo(new[] { ("t", 0, 7L) }));
        var described = restarted.Coordinator.DescribeGroup("g");
        Assert.That((described.State, described.ProtocolData), Is.EqualTo((GroupState.Stable, "range")));
        Assert.That(described.Members.Single().Assignment, Is.EqualTo(new byte[] { 4, 2 }));
        Assert.That(restarted.Heartbeat("g", a), Is.EqualTo(ErrorCode.None), "the member carries on after a coordinator restart");
        Assert.That(restarted.Coordinator.DescribeGroup("h").State, Is.EqualTo(GroupState.Dead));
    }
}
