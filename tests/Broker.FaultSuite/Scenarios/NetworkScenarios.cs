using Broker.FaultSuite.Net;

namespace Broker.FaultSuite.Scenarios;

/// <summary>The leader of partition 0 cannot reach its followers, nor they it (both directions dropped).</summary>
public sealed class LeaderIsolatedFromFollowers : Scenario
{
    public override string Name => "leader-followers";

    public override string Promise =>
        "The leader keeps its ZooKeeper session, so it stays leader; its followers stop fetching, drop out of the ISR after " +
        "replica.lag.time.max.ms, and with min.insync.replicas=2 acks=all writes then fail (NOT_ENOUGH_REPLICAS) instead of " +
        "being acknowledged by the leader alone. No acknowledged write is lost; writes resume once the followers catch up.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int leader = await c.LeaderAsync();
        c.Event($"cut broker {leader} (leader of p0) from the other brokers, both directions");
        Firewall.Cut(Hosts.BrokerNamespace(leader), c.OtherBrokers(leader));
        await c.HoldAsync();
        c.HealAll();
    }
}

/// <summary>The leader of partition 0 loses ZooKeeper (both directions) for longer than its session.</summary>
public sealed class LeaderIsolatedFromZooKeeper : Scenario
{
    public override string Name => "leader-zookeeper";

    public override string Promise =>
        "The leader's session expires; the controller elects another ISR member with a higher leader epoch. The old leader " +
        "cannot acknowledge acks=all writes any more (its followers fetch from the new leader), so no acknowledged write is " +
        "lost and the old leader truncates any unacknowledged tail when it rejoins as a follower.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int leader = await c.LeaderAsync();
        c.Event($"cut broker {leader} (leader of p0) from ZooKeeper, both directions");
        Firewall.Cut(Hosts.BrokerNamespace(leader), c.ZooKeeperAddresses);
        await c.HoldAsync();
        c.HealAll();
    }
}

/// <summary>The leader of partition 0 cannot reach the clients (both directions), the cluster still can.</summary>
public sealed class LeaderIsolatedFromClients : Scenario
{
    public override string Name => "leader-clients";

    public override string Promise =>
        "Nothing changes in the cluster: the leader stays leader and the partition is unavailable to the cut-off clients " +
        "until the partition heals (Kafka does not fail over for client reachability). Nothing acknowledged is lost; other " +
        "partitions stay available.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int leader = await c.LeaderAsync();
        c.Event($"cut broker {leader} (leader of p0) from the clients ({Hosts.ClientAddress}), both directions");
        Firewall.Cut(Hosts.BrokerNamespace(leader), [Hosts.ClientAddress]);
        await c.HoldAsync();
        c.HealAll();
    }
}

/// <summary>One direction: the leader of partition 0 drops what its followers send (their fetch requests); its own packets still go out.</summary>
public sealed class AsymmetricPartition : Scenario
{
    public override string Name => "asymmetric";

    public override string Promise =>
        "Followers' fetches never arrive, so the leader sees them lag and shrinks the ISR; with min.insync.replicas=2 writes " +
        "fail rather than being acknowledged by the leader alone. No acknowledged write is lost.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int leader = await c.LeaderAsync();
        c.Event($"broker {leader} (leader of p0) drops packets from the other brokers (one direction)");
        Firewall.DropFrom(Hosts.BrokerNamespace(leader), c.OtherBrokers(leader));
        await c.HoldAsync();
        c.HealAll();
    }
}

/// <summary>
/// One direction: the leader of partition 0 receives the clients' requests but its answers to them are dropped, so
/// produce requests are appended and replicated while the producers time out and retry.
/// </summary>
public sealed class LeaderAnswersLost : Scenario
{
    public override string Name => "leader-answers-lost";

    public override string Promise =>
        "Requests are appended but their answers never arrive; an idempotent producer retries the same batches with the " +
        "same sequence numbers and the broker answers the duplicates with the original offsets: no acknowledged write is " +
        "lost and nothing is stored twice.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int leader = await c.LeaderAsync();
        c.Event($"broker {leader} (leader of p0) drops its packets to the clients ({Hosts.ClientAddress}); requests still arrive");
        Shell.InNamespace(Hosts.BrokerNamespace(leader), "iptables", "-A", "OUTPUT", "-d", Hosts.ClientAddress, "-j", "DROP");
        await c.HoldAsync();
        c.HealAll();
    }
}
