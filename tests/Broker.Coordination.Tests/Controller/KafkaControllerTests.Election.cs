using Broker.Coordination.ZNodes;
using Broker.TestKit;
using Broker.ZooKeeper;

namespace Broker.Coordination.Tests.Controller;

// Election when /controller already holds this broker's id: a lost election reply, or a node of a previous life.
public sealed partial class KafkaControllerTests
{
    [Test]
    public async Task ElectionReplyLost_MultiApplied_BrokerStillBecomesTheActiveController()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2);
        int lost = 0;
        var controller = await cluster.StartControllerAsync(1, configure: c => c.ElectionReplyFault = () =>
            Interlocked.Increment(ref lost) == 1
                ? throw new ConnectionLossException(ControllerZNode.Path, "test: reply of the election multi lost")
                : Task.CompletedTask);

        await Poll.UntilAsync(() => controller.IsActive, ControllerHarness.Timeout, "broker 1 to act as the controller it was elected");
        Assert.That(lost, Is.EqualTo(1), "the one election multi applied; its lost reply is resolved by reading /controller");
        var (epoch, _) = await cluster.Admin.GetControllerEpochAsync();
        Assert.That(controller.Epoch, Is.EqualTo(epoch), "the epoch its own multi wrote");

        await cluster.CreateTopicAsync("t", new() { [0] = [2, 1] });
        var state = await cluster.WaitForLeaderAsync("t", 0, 2);
        Assert.That(state.State.ControllerEpoch, Is.EqualTo(epoch));
    }

    [Test]
    public async Task ControllerNodeOfAPreviousLife_IsWaitedOut_ThenThisBrokerIsElected()
    {
        await using var cluster = await ClusterWithBrokersAsync(1);
        // Broker 1's previous life (kill -9, session not yet expired) still holds /controller.
        var previousLife = await cluster.ConnectAsync();
        var (epoch, version) = await cluster.Admin.GetControllerEpochAsync();
        await previousLife.MultiAsync([
            ZooKeeperOp.Create(ControllerZNode.Path, new ControllerZNode(1, 0).Encode(), CreateMode.Ephemeral),
            ZooKeeperOp.SetData(ControllerEpochZNode.Path, ControllerEpochZNode.Encode(epoch + 1), version),
        ]);

        var controller = await cluster.StartControllerAsync(1);
        await Task.Delay(500); // a negative check: give a wrong "it is ours" decision the time to show
        Assert.That(controller.IsActive, Is.False, "another session's node is not our election");

        await previousLife.DisposeAsync(); // its session closes: the ephemeral node goes
        await Poll.UntilAsync(() => controller.IsActive, ControllerHarness.Timeout, "broker 1 to be elected once the old node is gone");
        Assert.That(controller.Epoch, Is.EqualTo(epoch + 2));
    }
}
