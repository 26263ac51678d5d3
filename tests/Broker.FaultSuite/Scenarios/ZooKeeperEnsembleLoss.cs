namespace Broker.FaultSuite.Scenarios;

/// <summary>
/// A three-server ZooKeeper ensemble loses one follower (kill -9), then also its leader (the majority), for 15 s;
/// both come back.
/// </summary>
public sealed class ZooKeeperEnsembleLoss : Scenario
{
    public override string Name => "zookeeper-majority";

    public override int ZooKeepers => 3;

    public override string Promise =>
        "With one ZooKeeper server lost the ensemble keeps its quorum and nothing changes. Without a majority ZooKeeper is " +
        "unavailable: brokers keep serving with the leadership they have, but no ISR change, election or session expiry " +
        "can happen, so a leader that needs to shrink its ISR stalls acks=all writes. When the majority is back, sessions " +
        "resume. No acknowledged write is lost.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        var modes = new Dictionary<int, string?>();
        foreach (var z in c.Cluster.ZooKeepers) modes[z.Server] = await z.ModeAsync();
        var follower = c.Cluster.ZooKeepers.First(z => modes[z.Server] == "follower");
        var leader = c.Cluster.ZooKeepers.First(z => modes[z.Server] == "leader");
        c.Event($"kill -9 ZooKeeper {follower.Server} (follower); modes {string.Join(", ", modes.Select(m => $"{m.Key}={m.Value}"))}");
        follower.Process.Kill();
        await c.HoldAsync(TimeSpan.FromSeconds(10));
        c.Event($"kill -9 ZooKeeper {leader.Server} (leader): majority lost");
        leader.Process.Kill();
        await Task.Delay(ScenarioContext.FaultDuration);
        c.Event("restart both ZooKeeper servers");
        follower.Start();
        leader.Start();
        await Task.WhenAll(follower.WaitServingAsync(TimeSpan.FromSeconds(60)), leader.WaitServingAsync(TimeSpan.FromSeconds(60)));
        await c.HoldAsync(TimeSpan.FromSeconds(5));
    }
}
