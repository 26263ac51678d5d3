using Broker.Coordination.ZNodes;
using Broker.TestKit;

namespace Broker.Coordination.Tests.Controller;

// Partition reassignment (KIP-455) on the controller, with fake brokers whose ISR changes the test writes.
public sealed partial class KafkaControllerTests
{
    [Test]
    public async Task Reassignment_AddsReplicas_WaitsForTheIsr_ThenWritesTheTargetAndAMovedLeader()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(3);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2] });
        var before = await cluster.WaitForLeaderAsync("t", 0, 1);

        var answers = await controller.AlterReassignmentsAsync(new Dictionary<(string, int), int[]?> { [("t", 0)] = [3, 2] });
        Assert.That(answers[("t", 0)].Error, Is.Zero);
        var topic = await cluster.Admin.GetTopicAsync("t");
        Assert.That(topic!.Partitions[0], Is.EqualTo(new[] { 3, 2, 1 }), "RS = target + origin");
        Assert.That((topic.AddingReplicas[0], topic.RemovingReplicas[0]), Is.EqualTo((new[] { 3 }, new[] { 1 })));
        var started = (await cluster.ReadAsync("t", 0))!.State;
        Assert.That((started.Leader, started.LeaderEpoch), Is.EqualTo((1, before.State.LeaderEpoch + 1)), "the epoch is bumped so replicas apply RS");
        var listed = await controller.ListReassignmentsAsync(null);
        Assert.That(listed.Select(r => (r.Topic, r.Partition, r.Adding.Single(), r.Removing.Single())), Is.EqualTo(new[] { ("t", 0, 3, 1) }));

        await cluster.LeaderSetsIsrAsync("t", 0, 1, 2, 3); // broker 3 caught up

        var done = await cluster.WaitForLeaderAsync("t", 0, 3);
        Assert.That(done.State.Isr, Is.EqualTo(new[] { 2, 3 }), "the removed replica left the ISR");
        Assert.That(done.State.LeaderEpoch, Is.EqualTo(started.LeaderEpoch + 1));
        await Poll.UntilAsync(async () => !(await cluster.Admin.GetTopicAsync("t"))!.IsBeingReassigned(0), ControllerHarness.Timeout, "the final assignment");
        Assert.That((await cluster.Admin.GetTopicAsync("t"))!.Partitions[0], Is.EqualTo(new[] { 3, 2 }));
        Assert.That(await controller.ListReassignmentsAsync(null), Is.Empty);
    }

    [Test]
    public async Task Reassignment_RefusesBadTargets_AndACancellationRevertsToTheOrigin()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(3);
        await cluster.CreateTopicAsync("t", new() { [0] = [1], [1] = [2] });
        await cluster.WaitForLeaderAsync("t", 0, 1);
        await cluster.WaitForLeaderAsync("t", 1, 2);

        var refused = await controller.AlterReassignmentsAsync(new Dictionary<(string, int), int[]?>
        {
            [("t", 5)] = [1], [("t", 0)] = [1, 1], [("u", 0)] = [1], [("t", 1)] = null,
        });
        Assert.That(refused[("t", 5)].Error, Is.EqualTo(3), "UNKNOWN_TOPIC_OR_PARTITION");
        Assert.That(refused[("u", 0)].Error, Is.EqualTo(3));
        Assert.That(refused[("t", 0)].Error, Is.EqualTo(39), "INVALID_REPLICA_ASSIGNMENT: duplicates");
        Assert.That(refused[("t", 1)].Error, Is.EqualTo(85), "NO_REASSIGNMENT_IN_PROGRESS");
        var unknownBroker = await controller.AlterReassignmentsAsync(new Dictionary<(string, int), int[]?> { [("t", 0)] = [1, 9] });
        Assert.That(unknownBroker[("t", 0)].Error, Is.EqualTo(39), "INVALID_REPLICA_ASSIGNMENT: broker 9 is not registered");

        Assert.That((await controller.AlterReassignmentsAsync(new Dictionary<(string, int), int[]?> { [("t", 0)] = [1, 3] }))[("t", 0)].Error, Is.Zero);
        Assert.That((await cluster.Admin.GetTopicAsync("t"))!.Partitions[0], Is.EqualTo(new[] { 1, 3 }));

        var cancelled = await controller.AlterReassignmentsAsync(new Dictionary<(string, int), int[]?> { [("t", 0)] = null });
        Assert.That(cancelled[("t", 0)].Error, Is.Zero);
        var topic = await cluster.Admin.GetTopicAsync("t");
        Assert.That((topic!.Partitions[0], topic.IsBeingReassigned(0)), Is.EqualTo((new[] { 1 }, false)), "back to the origin replicas at once");
        Assert.That(await controller.ListReassignmentsAsync(null), Is.Empty);
    }
}
