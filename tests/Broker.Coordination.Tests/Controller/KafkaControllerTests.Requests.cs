using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.TestKit;

namespace Broker.Coordination.Tests.Controller;

// What the controller tells each broker after each event (Kafka's ControllerBrokerRequestBatch), seen through a fake channel.
public sealed partial class KafkaControllerTests
{
    private static async Task<(ControllerHarness Cluster, RecordingControllerChannel Channel)> PushingClusterAsync(int controller, params int[] brokers)
    {
        var cluster = await ClusterWithBrokersAsync(brokers);
        var channel = new RecordingControllerChannel();
        await cluster.StartActiveControllerAsync(controller, channel: channel);
        return (cluster, channel);
    }

    private static Task WaitForBatchAsync(RecordingControllerChannel channel, Func<BrokerRequestBatch, bool> match, string what) =>
        Poll.UntilAsync(() => channel.Batches.Any(match), ControllerHarness.Timeout, what);

    private static bool Leads(BrokerRequestBatch b, string topic, int partition, int leader) =>
        b.LeaderAndIsr.Any(p => p.Topic == topic && p.Partition == partition && p.Leader == leader);

    [Test]
    public async Task Failover_EveryLiveBrokerGetsFullMetadata_AndLeaderAndIsrForItsReplicas()
    {
        var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await using var _ = cluster;
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2], [1] = [2, 3] });
        await cluster.Admin.Client.CreateRecursiveAsync(PartitionStateZNode.PathOf("t", 0), new PartitionStateZNode(1, 4, [1, 2], 0).Encode(), ZooKeeper.CreateMode.Persistent);
        await cluster.Admin.Client.CreateRecursiveAsync(PartitionStateZNode.PathOf("t", 1), new PartitionStateZNode(2, 7, [2, 3], 0).Encode(), ZooKeeper.CreateMode.Persistent);

        var channel = new RecordingControllerChannel();
        var controller = await cluster.StartActiveControllerAsync(1, channel: channel);
        await Poll.UntilAsync(() => new[] { 1, 2, 3 }.All(id => channel.To(id).Any(b => b.FullLeaderAndIsr)), ControllerHarness.Timeout, "full state to every broker");

        Assert.Multiple(() =>
        {
            Assert.That(channel.Live.Select(b => (b.Id, b.Endpoints[0].Port)), Is.EqualTo(new[] { (1, 9001), (2, 9002), (3, 9003) }));
            foreach (int id in new[] { 1, 2, 3 })
            {
                var full = channel.To(id).First(b => b.FullLeaderAndIsr);
                Assert.That(full.ControllerEpoch, Is.EqualTo(controller.Epoch));
                Assert.That(full.UpdateMetadata!.Select(p => (p.Partition, p.Leader, p.LeaderEpoch)), Is.EqualTo(new[] { (0, 1, 4), (1, 2, 7) }), $"broker {id}: all partitions");
                var expected = id switch { 1 => new[] { 0 }, 2 => [0, 1], _ => [1] };
                Assert.That(full.LeaderAndIsr.Select(p => p.Partition), Is.EqualTo(expected), $"broker {id}: only the partitions it replicates");
            }

            var p0 = channel.To(2).First(b => b.FullLeaderAndIsr).LeaderAndIsr[0];
            Assert.That((p0.Isr, p0.Replicas, p0.ZkVersion, p0.ControllerEpoch), Is.EqualTo((new[] { 1, 2 }, new[] { 1, 2 }, 0, 0)));
        });
    }

    [Test]
    public async Task TopicCreation_LeaderAndIsrToItsReplicasOnly_UpdateMetadataToAll()
    {
        var (cluster, channel) = await PushingClusterAsync(1, 1, 2, 3);
        await using var _ = cluster;
        await Poll.UntilAsync(() => channel.Batches.Count >= 3, ControllerHarness.Timeout, "the failover batches");
        channel.Reset();

        await cluster.CreateTopicAsync("t", new() { [0] = [2, 3] });
        await WaitForBatchAsync(channel, b => b.BrokerId == 1 && b.UpdateMetadata?.Any(p => p.Topic == "t") == true, "UpdateMetadata to broker 1");

        Assert.Multiple(() =>
        {
            Assert.That(channel.To(1).SelectMany(b => b.LeaderAndIsr), Is.Empty, "broker 1 is no replica");
            var lair = channel.To(3).SelectMany(b => b.LeaderAndIsr).Single();
            Assert.That((lair.Leader, lair.LeaderEpoch, lair.Isr, lair.IsNew), Is.EqualTo((2, 0, new[] { 2, 3 }, true)));
            Assert.That(channel.To(2).Single().FullLeaderAndIsr, Is.False, "an incremental LeaderAndIsr");
            Assert.That(channel.Batches.All(b => b.StopReplica.Count == 0));
        });
    }

    [Test]
    public async Task BrokerDeath_NewLeaderToTheSurvivingReplicas_AndTheNewBrokerListToAll()
    {
        var (cluster, channel) = await PushingClusterAsync(3, 1, 2, 3);
        await using var _ = cluster;
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2] });
        await WaitForBatchAsync(channel, b => b.BrokerId == 2 && Leads(b, "t", 0, 1), "leader 1 announced");
        channel.Reset();

        await cluster.KillBrokerAsync(1);
        await WaitForBatchAsync(channel, b => b.BrokerId == 2 && Leads(b, "t", 0, 2), "broker 2 told it leads");

        Assert.Multiple(() =>
        {
            Assert.That(channel.Live.Select(b => b.Id), Is.EqualTo(new[] { 2, 3 }), "the dead broker's queue goes");
            Assert.That(channel.Batches.Select(b => b.BrokerId), Does.Not.Contain(1));
            var um = channel.To(3).Last().UpdateMetadata!;
            Assert.That(um.Single().Leader, Is.EqualTo(2));
            Assert.That(um.Single().OfflineReplicas, Is.EqualTo(new[] { 1 }));
            Assert.That(channel.To(3).Last().LiveBrokers.Select(b => b.Id), Is.EqualTo(new[] { 2, 3 }));
        });
    }

    [Test]
    public async Task BrokerStartup_TheNewBrokerGetsEverything_TheOthersOnlyTheBrokerList()
    {
        var (cluster, channel) = await PushingClusterAsync(1, 1, 2);
        await using var _ = cluster;
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 3] });
        await WaitForBatchAsync(channel, b => b.BrokerId == 1 && Leads(b, "t", 0, 1), "leader 1 announced");
        channel.Reset();

        long epoch = await cluster.RegisterBrokerAsync(3);
        await WaitForBatchAsync(channel, b => b.BrokerId == 3, "a batch for broker 3");

        Assert.Multiple(() =>
        {
            var to3 = channel.To(3).First();
            Assert.That(to3.FullLeaderAndIsr, Is.True);
            Assert.That(to3.LeaderAndIsr.Select(p => (p.Topic, p.Leader)), Is.EqualTo(new[] { ("t", 1) }));
            Assert.That(to3.UpdateMetadata!.Select(p => p.Topic), Is.EqualTo(new[] { "t" }));
            Assert.That(channel.Live.Single(b => b.Id == 3).Epoch, Is.EqualTo(epoch), "the broker epoch travels with the queue");
            var to2 = channel.To(2).First();
            Assert.That((to2.FullLeaderAndIsr, to2.LeaderAndIsr.Count, to2.UpdateMetadata!.Count), Is.EqualTo((false, 0, 0)), "broker 2: the broker list alone");
            Assert.That(to2.LiveBrokers.Select(b => b.Id), Is.EqualTo(new[] { 1, 2, 3 }));
        });
    }

    [Test]
    public async Task IsrChangeNotification_LeaderAndIsrWithTheNewIsr_NoFullState()
    {
        var (cluster, channel) = await PushingClusterAsync(1, 1, 2, 3);
        await using var _ = cluster;
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        await WaitForBatchAsync(channel, b => b.BrokerId == 3 && Leads(b, "t", 0, 1), "leader 1 announced");
        channel.Reset();

        int version = await cluster.LeaderSetsIsrAsync("t", 0, 1, 2);
        await WaitForBatchAsync(channel, b => b.BrokerId == 3 && b.LeaderAndIsr.Any(p => p.ZkVersion == version), "the ISR change pushed to broker 3");

        var p = channel.To(3).SelectMany(b => b.LeaderAndIsr).Single(p => p.ZkVersion == version);
        Assert.That((p.Leader, p.Isr, p.IsNew), Is.EqualTo((1, new[] { 1, 2 }, false)));
        Assert.That(channel.Batches.Any(b => b.FullLeaderAndIsr), Is.False);
    }

    [Test]
    public async Task TopicDeletion_StopReplicaWithDeleteToReplicas_AndUpdateMetadataMarksItDeleted()
    {
        var (cluster, channel) = await PushingClusterAsync(1, 1, 2, 3);
        await using var _ = cluster;
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2] });
        await WaitForBatchAsync(channel, b => b.BrokerId == 2 && Leads(b, "t", 0, 1), "leader 1 announced");
        channel.Reset();

        await cluster.Admin.RequestTopicDeletionAsync("t");
        await WaitForBatchAsync(channel, b => b.BrokerId == 3 && b.UpdateMetadata?.Any(p => p.Topic == "t") == true, "deletion announced to broker 3");

        Assert.Multiple(() =>
        {
            foreach (int id in new[] { 1, 2 })
                Assert.That(channel.To(id).SelectMany(b => b.StopReplica), Is.EqualTo(new[] { new StopReplicaEntry("t", 0, true, PartitionLeadership.EpochDuringDelete) }));
            Assert.That(channel.To(3).SelectMany(b => b.StopReplica), Is.Empty);
            Assert.That(channel.To(3).SelectMany(b => b.UpdateMetadata!).Single(p => p.Topic == "t").IsDeleted, Is.True);
            Assert.That(channel.Batches.SelectMany(b => b.LeaderAndIsr).Where(p => p.Topic == "t"), Is.Empty);
        });
    }

    [Test]
    public async Task ReplicaRemovedFromAssignment_GetsStopReplicaWithDelete_TheOthersTheNewReplicas()
    {
        var (cluster, channel) = await PushingClusterAsync(1, 1, 2, 3);
        await using var _ = cluster;
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        await WaitForBatchAsync(channel, b => b.BrokerId == 3 && Leads(b, "t", 0, 1), "leader 1 announced");
        channel.Reset();

        await cluster.Admin.SetTopicAssignmentAsync(new TopicZNode("t", null, new Dictionary<int, int[]> { [0] = [1, 2] }));
        await WaitForBatchAsync(channel, b => b.BrokerId == 3 && b.StopReplica.Count > 0, "StopReplica to broker 3");

        Assert.Multiple(() =>
        {
            var stop = channel.To(3).SelectMany(b => b.StopReplica).Single();
            Assert.That((stop.Topic, stop.Partition, stop.Delete), Is.EqualTo(("t", 0, true)));
            Assert.That(channel.To(2).SelectMany(b => b.LeaderAndIsr).Single().Replicas, Is.EqualTo(new[] { 1, 2 }));
            Assert.That(channel.To(3).SelectMany(b => b.LeaderAndIsr), Is.Empty);
        });
    }

    [Test]
    public async Task ResignedController_DropsItsQueues()
    {
        var (cluster, channel) = await PushingClusterAsync(1, 1, 2);
        await using var _ = cluster;
        var controller2 = await cluster.StartControllerAsync(2);

        // Another broker takes office: delete /controller behind our back (as a session expiry would). Broker 1 is a
        // candidate too and may win the new election, so delete again until broker 2 holds the office.
        await Poll.UntilAsync(async () =>
        {
            if (controller2.IsActive) return true;
            try
            {
                if (await cluster.Admin.GetControllerIdAsync() == 1) await cluster.Admin.Client.DeleteAsync(ControllerZNode.Path);
            }
            catch (Broker.ZooKeeper.NoNodeException)
            {
                // between two elections
            }

            return false;
        }, ControllerHarness.Timeout, "broker 2 to take office");
        channel.RaiseStale(1);
        await Poll.UntilAsync(() => channel.Clears > 0, ControllerHarness.Timeout, "the deposed controller to drop its queues");
    }
}
