using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;
using Broker.TestKit;

namespace Broker.Coordination.Tests.Controller;

/// <summary>The controller against a real ZooKeeper, with fake broker registrations.</summary>
[Parallelizable(ParallelScope.Children)]
public sealed partial class KafkaControllerTests
{
    private static Task<ControllerHarness> ClusterAsync() => ControllerHarness.StartAsync();

    private static async Task<ControllerHarness> ClusterWithBrokersAsync(params int[] ids)
    {
        var cluster = await ClusterAsync();
        foreach (int id in ids) await cluster.RegisterBrokerAsync(id);
        return cluster;
    }

    [Test]
    public async Task NewTopic_FirstLiveReplicaLeads_AllLiveReplicasInSync()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [2, 3, 1] });

        var state = (await cluster.WaitForLeaderAsync("t", 0, 2)).State;
        Assert.That((state.LeaderEpoch, state.Isr), Is.EqualTo((0, new[] { 2, 3, 1 })));
    }

    [Test]
    public async Task DeadFollower_IsRemovedFromIsr_LeaderAndLeaderEpochUnchanged()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        var before = await cluster.WaitForLeaderAsync("t", 0, 1);

        await cluster.KillBrokerAsync(3);

        var after = await cluster.WaitForStateAsync("t", 0, s => !s.Isr.Contains(3), "broker 3 out of the ISR");
        Assert.That((after.State.Leader, after.State.LeaderEpoch, after.State.Isr), Is.EqualTo((1, before.State.LeaderEpoch, new[] { 1, 2 })));
    }

    [Test]
    public async Task BrokerThatRegisteredAgainUnseen_LosesLeadershipToAnotherInSyncReplica_AndRejoinsTheIsrAsFollower()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(2);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        var before = await cluster.WaitForLeaderAsync("t", 0, 1);

        // A restart faster than the controller looks: delete and re-create the registration in one multi, so the
        // controller only ever sees broker 1 alive, with a newer registration epoch.
        var node = new BrokerIdZNode(1, [new BrokerEndpoint("PLAINTEXT", "localhost", 9001)], null, 0);
        await cluster.Admin.Client.MultiAsync([
            ZooKeeper.ZooKeeperOp.Delete(BrokerIdZNode.PathOf(1)),
            ZooKeeper.ZooKeeperOp.Create(BrokerIdZNode.PathOf(1), node.Encode(), ZooKeeper.CreateMode.Ephemeral),
        ]);

        var after = await cluster.WaitForStateAsync("t", 0, s => s.Leader != 1, "leadership moved off the restarted broker");
        Assert.That(after.State.Leader, Is.EqualTo(2), "the next in-sync replica in assignment order");
        Assert.That(after.State.LeaderEpoch, Is.GreaterThan(before.State.LeaderEpoch));
        Assert.That(after.State.Isr, Does.Not.Contain(1), "the restarted broker must catch up before it is in sync again");
    }

    [Test]
    public async Task AllFollowersDead_IsrKeepsTheLeader()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        await cluster.WaitForLeaderAsync("t", 0, 1);

        await cluster.KillBrokerAsync(2);
        await cluster.KillBrokerAsync(3);

        var after = await cluster.WaitForStateAsync("t", 0, s => s.Isr.Length == 1, "a single-member ISR");
        Assert.That((after.State.Leader, after.State.Isr.Single()), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task DeadLeader_IsReplacedFromIsr_EpochGrows_DeadReplicaRemoved()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [2, 3, 1] });
        await cluster.WaitForLeaderAsync("t", 0, 2);

        await cluster.KillBrokerAsync(2);

        var after = (await cluster.WaitForLeaderAsync("t", 0, 3)).State;
        Assert.That((after.LeaderEpoch, after.Isr.Order()), Is.EqualTo((1, new[] { 1, 3 })));
    }

    [Test]
    public async Task IsrChangeNotification_IsProcessed_CacheRefreshed_AndNodeDeleted()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        await cluster.WaitForLeaderAsync("t", 0, 1);

        int version = await cluster.LeaderSetsIsrAsync("t", 0, 1, 2);

        await cluster.WaitForIsrNotificationsProcessedAsync();
        var cached = await controller.CachedStateAsync("t", 0);
        Assert.That((cached?.ZkVersion, cached?.State.Isr), Is.EqualTo(((int?)version, new[] { 1, 2 })));
    }

    [Test]
    public async Task MalformedIsrChangeNotification_IsDeleted()
    {
        await using var cluster = await ClusterWithBrokersAsync(1);
        await cluster.StartActiveControllerAsync(1);

        await cluster.Admin.Client.CreateAsync(IsrChangeNotificationZNode.Prefix, "not json"u8.ToArray(), ZooKeeper.CreateMode.PersistentSequential);

        await cluster.WaitForIsrNotificationsProcessedAsync();
    }

    [Test]
    public async Task ConflictWithLeaderIsrUpdate_ReReadsThatPartition_OthersStillWritten()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3], [1] = [1, 2, 3] });
        await cluster.WaitForLeaderAsync("t", 0, 1);
        await cluster.WaitForLeaderAsync("t", 1, 1);

        // The leader shrinks partition 0's ISR without telling the controller: its cached zkVersion is now stale.
        var current = (await cluster.ReadAsync("t", 0))!;
        Assert.That(await cluster.Admin.TryUpdatePartitionStateAsync("t", 0, current.State with { Isr = [1, 3] }, current.ZkVersion), Is.Not.Null);

        await cluster.KillBrokerAsync(3);

        var p0 = await cluster.WaitForStateAsync("t", 0, s => !s.Isr.Contains(3), "broker 3 out of the ISR");
        var p1 = await cluster.WaitForStateAsync("t", 1, s => !s.Isr.Contains(3), "broker 3 out of the ISR");
        Assert.That(p0.State.Isr, Is.EqualTo(new[] { 1 }), "decided again on the leader's ISR, not the stale one");
        Assert.That(p1.State.Isr, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(controller.IsActive, Is.True, "a partition conflict is not a fencing");
    }

    [Test]
    public async Task UncleanElection_TopicOverrideEnablesIt_BrokerDefaultDoesNot()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2);
        await cluster.StartActiveControllerAsync(1); // broker default: unclean election off
        await cluster.CreateTopicAsync("clean", new() { [0] = [1, 2] });
        await cluster.CreateTopicAsync("unclean", new() { [0] = [1, 2] }, new() { ["unclean.leader.election.enable"] = "true" });
        await cluster.WaitForLeaderAsync("clean", 0, 1);
        await cluster.WaitForLeaderAsync("unclean", 0, 1);
        await cluster.LeaderSetsIsrAsync("clean", 0, 1);
        await cluster.LeaderSetsIsrAsync("unclean", 0, 1);

        await cluster.KillBrokerAsync(1);

        var unclean = (await cluster.WaitForLeaderAsync("unclean", 0, 2)).State;
        Assert.That(unclean.Isr, Is.EqualTo(new[] { 2 }));
        var clean = (await cluster.WaitForLeaderAsync("clean", 0, -1)).State;
        Assert.That(clean.Isr, Is.EqualTo(new[] { 1 }), "offline, waiting for its last in-sync replica");
    }

    [Test]
    public async Task UncleanElection_BrokerDefaultOn_TopicOverrideOffWins()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2);
        await cluster.StartActiveControllerAsync(1, new ControllerOptions(1, UncleanLeaderElection: true) { AutoLeaderRebalance = false });
        await cluster.CreateTopicAsync("default", new() { [0] = [1, 2] });
        await cluster.CreateTopicAsync("strict", new() { [0] = [1, 2] }, new() { ["unclean.leader.election.enable"] = "false" });
        await cluster.WaitForLeaderAsync("default", 0, 1);
        await cluster.WaitForLeaderAsync("strict", 0, 1);
        await cluster.LeaderSetsIsrAsync("default", 0, 1);
        await cluster.LeaderSetsIsrAsync("strict", 0, 1);

        await cluster.KillBrokerAsync(1);

        await cluster.WaitForLeaderAsync("default", 0, 2);
        await cluster.WaitForLeaderAsync("strict", 0, -1);
    }
}
