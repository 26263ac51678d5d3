using Broker.Coordination.Controller;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Coordination.Tests.Controller;

public sealed partial class KafkaControllerTests
{
    /// <summary>Broker 1 (preferred) dies, broker 2 takes over, 1 returns and its leader puts it back in sync.</summary>
    private static async Task LeadershipAwayFromPreferredAsync(ControllerHarness cluster)
    {
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2] });
        await cluster.WaitForLeaderAsync("t", 0, 1);
        await cluster.KillBrokerAsync(1);
        await cluster.WaitForLeaderAsync("t", 0, 2);
        await cluster.RegisterBrokerAsync(1);
        await cluster.LeaderSetsIsrAsync("t", 0, 2, 1);
        await cluster.WaitForIsrNotificationsProcessedAsync(); // the check works on the controller's cache
    }

    [Test]
    public async Task PreferredElection_Triggered_MovesLeadershipBack()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(3);
        await LeadershipAwayFromPreferredAsync(cluster);

        await controller.TriggerPreferredElectionAsync();

        var state = (await cluster.ReadAsync("t", 0))!.State;
        Assert.That((state.Leader, state.LeaderEpoch, state.Isr), Is.EqualTo((1, 2, new[] { 2, 1 })));
    }

    [Test]
    public async Task PreferredElection_PreferredReplicaOutOfSync_LeadershipStays()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(3);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2] });
        await cluster.WaitForLeaderAsync("t", 0, 1);
        await cluster.KillBrokerAsync(1);
        await cluster.WaitForLeaderAsync("t", 0, 2);
        await cluster.RegisterBrokerAsync(1); // back, but not caught up

        await controller.TriggerPreferredElectionAsync();

        Assert.That((await cluster.ReadAsync("t", 0))!.State.Leader, Is.EqualTo(2));
    }

    [Test]
    public async Task PreferredElection_RunsOnTheInjectedClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(3, new ControllerOptions(3) { LeaderImbalanceCheckInterval = TimeSpan.FromSeconds(300) }, time);
        await LeadershipAwayFromPreferredAsync(cluster);
        Assert.That((await cluster.ReadAsync("t", 0))!.State.Leader, Is.EqualTo(2), "no check before the interval elapses");

        time.Advance(TimeSpan.FromSeconds(300));

        await cluster.WaitForLeaderAsync("t", 0, 1);
    }

    [Test]
    public async Task PreferredElection_EndToEnd_WithShortRealInterval()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(3, new ControllerOptions(3) { LeaderImbalanceCheckInterval = TimeSpan.FromSeconds(1) });
        await LeadershipAwayFromPreferredAsync(cluster);

        var state = (await cluster.WaitForLeaderAsync("t", 0, 1)).State;
        Assert.That(state.Isr, Is.EquivalentTo(new[] { 1, 2 }));
    }

    [Test]
    public async Task PreferredElection_Disabled_NoTimer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        var controller = await cluster.StartActiveControllerAsync(3, new ControllerOptions(3) { AutoLeaderRebalance = false }, time);
        await LeadershipAwayFromPreferredAsync(cluster);

        time.Advance(TimeSpan.FromSeconds(3000));
        await controller.CachedStateAsync("t", 0); // the loop has drained whatever the advance posted

        Assert.That((await cluster.ReadAsync("t", 0))!.State.Leader, Is.EqualTo(2));
    }
}
