using Broker.Coordination.Controller;

namespace Broker.Coordination.Tests.Controller;

public sealed partial class KafkaControllerTests
{
    [Test]
    public async Task ControlledShutdown_MovesLeadership_ShrinksIsr_ReturnsReplicatedPartitionsItStillLeads()
    {
        await using var cluster = await ClusterAsync();
        await cluster.RegisterBrokerAsync(1);
        long epoch2 = await cluster.RegisterBrokerAsync(2);
        await cluster.RegisterBrokerAsync(3);
        var controller = await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("a", new() { [0] = [2, 1, 3], [1] = [1, 2, 3] });
        await cluster.CreateTopicAsync("solo", new() { [0] = [2] });
        await cluster.CreateTopicAsync("stuck", new() { [0] = [2, 1] });
        await cluster.WaitForLeaderAsync("a", 0, 2);
        await cluster.WaitForLeaderAsync("a", 1, 1);
        await cluster.WaitForLeaderAsync("solo", 0, 2);
        await cluster.WaitForLeaderAsync("stuck", 0, 2);
        await cluster.LeaderSetsIsrAsync("stuck", 0, 2); // broker 1 fell behind: nobody can take over

        var remaining = await controller.ControlledShutdownAsync(2, epoch2, CancellationToken.None);

        Assert.That(remaining, Is.EqualTo(new[] { ("stuck", 0) }), "single-replica partitions are not reported (as Kafka)");
        var led = (await cluster.ReadAsync("a", 0))!.State;
        Assert.That((led.Leader, led.LeaderEpoch, led.Isr.Order()), Is.EqualTo((1, 1, new[] { 1, 3 })), "led: new leader from the ISR");
        var followed = (await cluster.ReadAsync("a", 1))!.State;
        Assert.That((followed.Leader, followed.LeaderEpoch, followed.Isr), Is.EqualTo((1, 0, new[] { 1, 3 })), "followed: out of the ISR");
        var solo = (await cluster.ReadAsync("solo", 0))!.State;
        Assert.That((solo.Leader, solo.Isr), Is.EqualTo((2, new[] { 2 })), "still led by the stopping broker");
        var stuck = (await cluster.ReadAsync("stuck", 0))!.State;
        Assert.That((stuck.Leader, stuck.Isr), Is.EqualTo((2, new[] { 2 })));
    }

    [Test]
    public async Task ControlledShutdown_BrokerIsNotElectedUntilItRegistersAgain()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 3);
        long epoch2 = await cluster.RegisterBrokerAsync(2);
        var controller = await cluster.StartActiveControllerAsync(1);
        await controller.ControlledShutdownAsync(2, epoch2, CancellationToken.None);

        await cluster.CreateTopicAsync("during", new() { [0] = [2, 3] });
        var during = (await cluster.WaitForLeaderAsync("during", 0, 3)).State;
        Assert.That(during.Isr, Is.EqualTo(new[] { 3 }), "a shutting-down broker is neither leader nor in sync");

        await cluster.KillBrokerAsync(2);
        await cluster.RegisterBrokerAsync(2); // restarted: a newer registration
        await cluster.CreateTopicAsync("after", new() { [0] = [2, 3] });
        await cluster.WaitForLeaderAsync("after", 0, 2);
    }

    [Test]
    public async Task ControlledShutdown_StaleEpoch_And_UnknownBroker_AreRefused()
    {
        await using var cluster = await ClusterWithBrokersAsync(1);
        long epoch2 = await cluster.RegisterBrokerAsync(2);
        var controller = await cluster.StartActiveControllerAsync(1);

        Assert.ThrowsAsync<StaleBrokerEpochException>(() => controller.ControlledShutdownAsync(2, epoch2 - 1, CancellationToken.None));
        Assert.ThrowsAsync<BrokerNotAvailableException>(() => controller.ControlledShutdownAsync(9, -1, CancellationToken.None));
        Assert.That(await controller.ControlledShutdownAsync(2, -1, CancellationToken.None), Is.Empty, "-1: epoch unknown, accepted");
        Assert.That(controller.IsActive, Is.True);
    }
}
