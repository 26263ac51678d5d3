namespace Broker.FaultSuite.Scenarios;

/// <summary>kill -9 of the leader of partition 0 and an immediate restart on the same data, twice.</summary>
public sealed class KillAndRestartLeader : Scenario
{
    public override string Name => "kill9-restart";

    public override bool ClientsMustNotFail => true;

    public override string Promise =>
        "A crash loses no acknowledged write while another ISR member lives: a new leader is elected from the ISR, the " +
        "restarted broker recovers its log, truncates to the leader epoch boundary and re-joins the ISR. Idempotent " +
        "producers get no duplicates.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        for (int bounce = 1; bounce <= 2; bounce++)
        {
            int leader = await c.LeaderAsync();
            c.Event($"kill -9 broker {leader} (leader of p0), restart at once");
            c.Cluster.Broker(leader).Process.Kill();
            await using (var probe = new Check.MetadataProbe(c.Cluster.Broker(leader).Bootstrap, c.Topic, 3))
            {
                await c.Cluster.Broker(leader).StartAsync();
                c.Event($"broker {leader} ready again");
                await c.HoldAsync(TimeSpan.FromSeconds(3));
                c.Event($"metadata probe of broker {leader}: {probe.Answers} answers");
                foreach (var answer in probe.PartialAnswers) c.Anomaly("partial metadata: " + answer);
            }

            await c.HoldAsync(TimeSpan.FromSeconds(10));
        }
    }
}

/// <summary>SIGSTOP of the leader of partition 0 for longer than its ZooKeeper session, then SIGCONT (a zombie leader).</summary>
public sealed class PauseLeader : Scenario
{
    public override string Name => "sigstop-leader";

    public override string Promise =>
        "The paused leader's session expires and another ISR member becomes leader. When it resumes it may still believe " +
        "it leads, but it cannot acknowledge acks=all writes (its followers moved on) and it is fenced by the higher " +
        "leader epoch; no acknowledged write is lost.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int leader = await c.LeaderAsync();
        c.Event($"SIGSTOP broker {leader} (leader of p0)");
        c.Cluster.Broker(leader).Process.Pause();
        try { await c.HoldAsync(); }
        finally { c.Cluster.Broker(leader).Process.Resume(); c.Event($"SIGCONT broker {leader}"); }
    }
}

/// <summary>SIGSTOP of the controller for longer than its ZooKeeper session, then SIGCONT.</summary>
public sealed class PauseController : Scenario
{
    public override string Name => "sigstop-controller";

    public override string Promise =>
        "Another broker becomes controller (a higher controller epoch); the resumed one is fenced by its epoch. Data is " +
        "not lost; partitions the paused broker led fail over as for a crashed leader.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        int controller = await c.Cluster.ControllerAsync();
        if (controller < 0) throw new InvalidOperationException("no controller");
        c.Event($"SIGSTOP broker {controller} (controller)");
        c.Cluster.Broker(controller).Process.Pause();
        try { await c.HoldAsync(); }
        finally { c.Cluster.Broker(controller).Process.Resume(); c.Event($"SIGCONT broker {controller}"); }
    }
}

/// <summary>SIGSTOP of the (single) ZooKeeper server for longer than the brokers' session, then SIGCONT.</summary>
public sealed class PauseZooKeeper : Scenario
{
    public override string Name => "sigstop-zookeeper";

    public override string Promise =>
        "Brokers keep serving produce and fetch with the leadership they have (ISR changes cannot be written, so a leader " +
        "that needs to shrink its ISR stalls acks=all writes). When ZooKeeper resumes, sessions that it expired are re-created " +
        "and the controller re-elects as needed. No acknowledged write is lost.";

    public override async Task InjectAsync(ScenarioContext c)
    {
        var zk = c.Cluster.ZooKeepers[0];
        c.Event("SIGSTOP ZooKeeper");
        zk.Process.Pause();
        try { await Task.Delay(ScenarioContext.FaultDuration); }
        finally { zk.Process.Resume(); c.Event("SIGCONT ZooKeeper"); }
        await c.HoldAsync(TimeSpan.FromSeconds(5));
    }
}

/// <summary>
/// kill -9 of all three brokers, restarted one after the other (each ready before the next starts), twice per round:
/// round r uses the restart orders 2(r-1) and 2(r-1)+1 (mod 6) of the 6 permutations, so any 3 consecutive rounds
/// cover every restart order (a 5-round matrix covers each at least once).
/// </summary>
public sealed class KillAll : Scenario
{
    /// <summary>The 6 permutations of brokers 1..3.</summary>
    public static readonly int[][] Orders = [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]];

    public override string Name => "kill9-all";

    public override string Promise =>
        "Kafka does not fsync per write: durability rests on replication, and a simultaneous crash of every replica with " +
        "page-cache loss may lose acknowledged writes. A process crash keeps the page cache, so every acknowledged write " +
        "must survive, whatever order the brokers come back in (unclean election stays off: the partition waits for an ISR member).";

    /// <summary>The restart orders of <paramref name="round"/> (1-based).</summary>
    public static IReadOnlyList<int[]> OrdersOf(int round) => [Orders[2 * (round - 1) % 6], Orders[(2 * (round - 1) + 1) % 6]];

    public override async Task InjectAsync(ScenarioContext c)
    {
        foreach (var order in OrdersOf(c.Round))
        {
            // The second crash starts from a healed cluster, so that each restart order is tried on full ISRs.
            if (!await c.Cluster.WaitForFullIsrAsync(c.Topic, c.Partitions, TimeSpan.FromSeconds(30)))
                c.Event("ISRs not full 30 s after the previous restart; crashing anyway");
            c.Event($"kill -9 brokers 1, 2, 3; restart order {string.Join(", ", order)}");
            foreach (var b in c.Cluster.Brokers) b.Process.Kill();
            foreach (int id in order)
            {
                c.Event($"restart broker {id}");
                await c.Cluster.Broker(id).StartAsync();
            }

            await c.HoldAsync(TimeSpan.FromSeconds(10));
        }
    }
}
