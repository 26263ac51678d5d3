using Broker.Coordination.ZNodes;
using Broker.IntegrationTests.Replication;
using Broker.TestKit;
using Broker.ZooKeeper;

namespace Broker.IntegrationTests.Reassignment;

/// <summary>
/// Partition reassignment (KIP-455) on three brokers through <c>/admin/reassign_partitions</c>, as Kafka's older tools
/// request it, with an idempotent acks=all producer running: the replication factor grows 1 → 3, a partition moves off
/// its leader's broker, a reassignment is cancelled midway, and a new controller finishes one its predecessor started.
/// Every acknowledged record must survive.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class ReassignmentTests : ReplicationTestBase
{
    /// <summary>A 30 s ZooKeeper session, so that a broker paused for a few seconds is still registered.</summary>
    private static readonly Dictionary<string, string> LongSessions = new() { ["zookeeper.session.timeout.ms"] = "30000" };

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    [Test]
    public async Task ReplicationFactorOneToThree_UnderLoad_LosesNothing_AndEndsWithTheTargetAsIsr()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("rf-up", 1, replicationFactor: 1, minInsyncReplicas: 1);
        int origin = (await Cluster.ReplicasAsync(topic, 0)).Single();
        var producer = await StartProducerAsync(topic, 1);
        int[] target = [origin, .. new[] { 1, 2, 3 }.Where(b => b != origin)];
        var fault = producer.MarkFault($"reassign {topic}-0 [{origin}] -> [{string.Join(",", target)}]");
        Note(fault.What);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await RequestAsync(topic, 0, target);

        await WaitForCompletionAsync(topic, 0, target);
        long bytes = Directory.GetFiles(Path.Combine(Cluster.Broker(origin).LogDir, $"{topic}-0"), "*.log").Sum(f => new FileInfo(f).Length);
        TestContext.Out.WriteLine($"[reassign] RF 1 -> 3 under load, unthrottled: {bytes} bytes in the log, completed in {clock.ElapsedMilliseconds} ms");
        Note($"completed: {await Cluster.DescribeAsync(topic, 1)}");
        foreach (int b in target)
            Assert.That(Directory.Exists(Path.Combine(Cluster.Broker(b).LogDir, $"{topic}-0")), Is.True, $"broker {b} hosts the partition");
        await producer.WaitForAcksAsync(200, Deadline, producer.NowMs);

        AssertNothingLostOrDuplicated(await StopAndVerifyAsync("RF 1 -> 3 by reassignment", fault));
    }

    [Test]
    public async Task MovingThePartitionOffItsLeader_UnderLoad_LosesNothing_AndTheOldReplicaIsDeleted()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("move-off", 1, replicationFactor: 2, minInsyncReplicas: 1);
        int leader = await Cluster.LeaderAsync(topic, 0);
        var replicas = await Cluster.ReplicasAsync(topic, 0);
        int follower = replicas.Single(r => r != leader);
        int spare = new[] { 1, 2, 3 }.Single(b => !replicas.Contains(b));
        var producer = await StartProducerAsync(topic, 1);
        int[] target = [spare, follower];
        string leaderFolder = Path.Combine(Cluster.Broker(leader).LogDir, $"{topic}-0");
        var fault = producer.MarkFault($"reassign {topic}-0 [{string.Join(",", replicas)}] -> [{spare},{follower}] (off leader {leader})");
        Note(fault.What);
        await RequestAsync(topic, 0, target);

        await WaitForCompletionAsync(topic, 0, target);
        int newLeader = await Cluster.LeaderAsync(topic, 0);
        Note($"completed, leader {newLeader}: {await Cluster.DescribeAsync(topic, 1)}");
        Assert.That(target, Does.Contain(newLeader), "the leader is one of the target replicas");
        await Poll.UntilAsync(() => !Directory.Exists(leaderFolder), Deadline, $"broker {leader} deleting its replica");
        await producer.WaitForAcksAfterLastFaultAsync(50, Deadline);
        await producer.WaitForAcksAsync(200, Deadline, producer.NowMs);

        AssertNothingLostOrDuplicated(await StopAndVerifyAsync("move off the leader's broker", fault));
    }

    [Test]
    public async Task CancellingMidway_RevertsToTheOriginReplicas_AndStopsTheAddedOnes()
    {
        // The paused broker must stay registered (live) while paused: with the 6 s session a CI run's controller saw it
        // expire before it read the request and refused it ("The proposed assignment contains non-live brokers").
        await StartClusterAsync(LongSessions);
        string topic = await CreateReplicatedTopicAsync("cancel", 1, replicationFactor: 1, minInsyncReplicas: 1);
        int origin = (await Cluster.ReplicasAsync(topic, 0)).Single();
        int[] added = new[] { 1, 2, 3 }.Where(b => b != origin).ToArray();
        var producer = await StartProducerAsync(topic, 1);

        // One added broker is paused (registered, but cannot fetch), so the reassignment cannot complete.
        Cluster.Broker(added[1]).Pause();
        var fault = producer.MarkFault($"reassign {topic}-0 [{origin}] -> [{origin},{string.Join(",", added)}] with broker {added[1]} paused, then cancel");
        Note(fault.What);
        try
        {
            await RequestAsync(topic, 0, [origin, .. added]);
            await Poll.UntilAsync(async () => (await ReadTopicAsync(topic)).AddingReplicas.ContainsKey(0), Deadline, "the reassignment to start");
            string addedFolder = Path.Combine(Cluster.Broker(added[0]).LogDir, $"{topic}-0");
            await Poll.UntilAsync(() => Directory.Exists(addedFolder), Deadline, $"broker {added[0]} hosting the new replica");
            Assert.That((await ReadTopicAsync(topic)).IsBeingReassigned(0), Is.True, "still in flight while a target broker is paused");

            await RequestAsync(topic, 0, [origin]); // the cancellation: back to the origin replicas
            await WaitForCompletionAsync(topic, 0, [origin]);
            Note($"cancelled: {await Cluster.DescribeAsync(topic, 1)}");
            await Poll.UntilAsync(() => !Directory.Exists(addedFolder), Deadline, $"broker {added[0]} deleting the cancelled replica");
        }
        finally
        {
            Cluster.Broker(added[1]).Resume();
        }

        await producer.WaitForAcksAsync(200, Deadline, producer.NowMs);
        AssertNothingLostOrDuplicated(await StopAndVerifyAsync("reassignment cancelled midway", fault));
    }

    [Test]
    public async Task ANewController_FinishesAReassignmentItsPredecessorStarted()
    {
        // The paused broker stays registered (live) through the pause, as in the cancel test.
        await StartClusterAsync(LongSessions);
        string topic = await CreateReplicatedTopicAsync("failover", 1, replicationFactor: 1, minInsyncReplicas: 1);
        int origin = (await Cluster.ReplicasAsync(topic, 0)).Single();
        int controller = await Cluster.WaitForControllerAsync();
        int paused = new[] { 1, 2, 3 }.First(b => b != controller && b != origin);
        Cluster.Broker(paused).Pause();
        int[] target = [origin, paused];
        int next;
        try
        {
            await RequestAsync(topic, 0, target);
            await Poll.UntilAsync(async () => (await ReadTopicAsync(topic)).AddingReplicas.ContainsKey(0), Deadline, "the reassignment to start");

            // The controller goes while the added replica cannot catch up: resuming it first let it catch up (one
            // batch) before the stop in a CI run, so the old controller completed the reassignment itself.
            Note($"stopping controller {controller}");
            Assert.That(Cluster.Broker(controller).Stop(), Is.EqualTo(0));
            next = await Cluster.WaitForControllerAsync(id => id != controller);
            Note($"new controller {next}");
        }
        finally
        {
            Cluster.Broker(paused).Resume();
        }

        // The old controller may have been the origin replica (then the only one in sync): it comes back so the
        // partition is led again and the target set can be in sync.
        await Cluster.Broker(controller).StartAsync();
        await WaitForCompletionAsync(topic, 0, target);
        Assert.That(Cluster.Broker(next).Output.Any(l => l.Contains($"reassignment of {topic}-0 completed")), Is.True,
            "the new controller completed the reassignment");
    }

    [Test]
    public async Task OffsetsTopic_FromOneReplicaToThree_KeepsTheCommittedOffsets()
    {
        await StartClusterAsync(new Dictionary<string, string> { ["offsets.topic.replication.factor"] = "1", ["offsets.topic.num.partitions"] = "3" });
        string topic = await CreateReplicatedTopicAsync("offsets", 1, replicationFactor: 3, minInsyncReplicas: 1);
        string group = $"g-{Guid.NewGuid():N}"[..10];
        var config = new Confluent.Kafka.ConsumerConfig { BootstrapServers = Cluster.Bootstrap, GroupId = group, EnableAutoCommit = false };
        var partition = new Confluent.Kafka.TopicPartition(topic, 0);
        using (var consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(config).Build())
            consumer.Commit([new Confluent.Kafka.TopicPartitionOffset(partition, 42)]);
        const string offsets = "__consumer_offsets";
        var zk = await Cluster.ConnectZooKeeperAsync();
        var targets = new Dictionary<(string, int), int[]>();
        try
        {
            var (data, _) = await zk.GetDataAsync(TopicZNode.PathOf(offsets));
            foreach (var (p, replicas) in TopicZNode.Decode(offsets, data).Partitions)
            {
                Assert.That(replicas, Has.Length.EqualTo(1));
                targets[(offsets, p)] = [replicas[0], .. new[] { 1, 2, 3 }.Where(b => b != replicas[0])];
            }

            await zk.CreateAsync(ReassignPartitionsZNode.Path, new ReassignPartitionsZNode(targets).Encode(), CreateMode.Persistent);
        }
        finally
        {
            await zk.DisposeAsync();
        }

        foreach (var ((_, p), target) in targets) await WaitForCompletionAsync(offsets, p, target);
        using var after = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(config).Build();
        var committed = after.Committed([partition], TimeSpan.FromSeconds(30));
        Assert.That(committed.Single().Offset.Value, Is.EqualTo(42), "the group's offset survived the offsets topic's reassignment");
    }

    /// <summary>Writes (or overwrites) /admin/reassign_partitions with one partition's target, as Kafka's old tools did.</summary>
    private async Task RequestAsync(string topic, int partition, int[] target)
    {
        var zk = await Cluster.ConnectZooKeeperAsync();
        try
        {
            byte[] data = new ReassignPartitionsZNode(new Dictionary<(string, int), int[]> { [(topic, partition)] = target }).Encode();
            try
            {
                await zk.CreateAsync(ReassignPartitionsZNode.Path, data, CreateMode.Persistent);
            }
            catch (NodeExistsException)
            {
                await zk.SetDataAsync(ReassignPartitionsZNode.Path, data, -1);
            }
        }
        finally
        {
            await zk.DisposeAsync();
        }
    }

    private async Task<TopicZNode> ReadTopicAsync(string topic)
    {
        var zk = await Cluster.ConnectZooKeeperAsync();
        try
        {
            var (data, _) = await zk.GetDataAsync(TopicZNode.PathOf(topic));
            return TopicZNode.Decode(topic, data);
        }
        finally
        {
            await zk.DisposeAsync();
        }
    }

    /// <summary>Waits until the assignment is exactly <paramref name="target"/>, nothing is being added or removed, the
    /// ISR is the target and /admin/reassign_partitions is gone.</summary>
    private async Task WaitForCompletionAsync(string topic, int partition, int[] target)
    {
        string last = "";
        try
        {
            await Poll.UntilAsync(async () =>
            {
                var assignment = await ReadTopicAsync(topic);
                var state = await Cluster.PartitionStateAsync(topic, partition);
                var zk = await Cluster.ConnectZooKeeperAsync();
                bool requestGone;
                try
                {
                    requestGone = await zk.ExistsAsync(ReassignPartitionsZNode.Path) is null;
                }
                finally
                {
                    await zk.DisposeAsync();
                }

                last = $"replicas [{string.Join(",", assignment.Partitions[partition])}] reassigning={assignment.IsBeingReassigned(partition)} state {state} request gone={requestGone}";
                return assignment.Partitions[partition].SequenceEqual(target) && !assignment.IsBeingReassigned(partition)
                    && state is { Leader: >= 0 } && state.Isr.Order().SequenceEqual(target.Order()) && requestGone;
            }, Deadline, $"reassignment of {topic}-{partition} to [{string.Join(",", target)}]");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen {last}", e);
        }
    }
}
