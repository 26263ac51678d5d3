using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;
using Broker.TestKit;

namespace Broker.Coordination.Tests.Controller;

public sealed partial class KafkaControllerTests
{
    [Test]
    public async Task StaleController_CannotWrite_AndStepsDown()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [2, 3, 1] });
        var before = await cluster.WaitForLeaderAsync("t", 0, 2);

        // Another controller's election bumped the epoch: this one's fenced writes must all fail.
        await cluster.Admin.Client.SetDataAsync(ControllerEpochZNode.Path, ControllerEpochZNode.Encode(controller.Epoch + 1));
        await cluster.KillBrokerAsync(2);

        await Poll.UntilAsync(() => !controller.IsActive, ControllerHarness.Timeout, "the stale controller to step down");
        var after = await cluster.ReadAsync("t", 0);
        Assert.That((after!.ZkVersion, ControllerHarness.Describe(after.State)),
            Is.EqualTo((before.ZkVersion, ControllerHarness.Describe(before.State))), "nothing written");
        Assert.ThrowsAsync<NotControllerException>(() => controller.ControlledShutdownAsync(3, -1, CancellationToken.None));
    }

    [Test]
    public async Task SecondCandidate_StaysInactive_AndRefusesRequests()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2);
        await cluster.StartActiveControllerAsync(1);
        var standby = await cluster.StartControllerAsync(2);

        Assert.That(standby.IsActive, Is.False);
        Assert.ThrowsAsync<NotControllerException>(() => standby.ControlledShutdownAsync(1, -1, CancellationToken.None));
        Assert.ThrowsAsync<NotControllerException>(() => standby.TriggerPreferredElectionAsync());
    }
}
