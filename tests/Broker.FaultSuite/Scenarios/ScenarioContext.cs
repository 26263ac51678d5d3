using Broker.FaultSuite.Check;
using Broker.FaultSuite.Net;
using Broker.FaultSuite.Nodes;

namespace Broker.FaultSuite.Scenarios;

/// <summary>What a scenario acts on: the cluster, the topic, the round, and the event log of the round.</summary>
public sealed class ScenarioContext(FaultCluster cluster, string topic, int partitions, ScenarioResult result)
{
    /// <summary>How long partitions and pauses last: longer than the 6 s ZooKeeper session and the 10 s replica lag time.</summary>
    public static readonly TimeSpan FaultDuration = TimeSpan.FromSeconds(15);

    public FaultCluster Cluster => cluster;

    public string Topic => topic;

    public int Partitions => partitions;

    public int Round => result.Round;

    public void Event(string text)
    {
        result.Events.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {text}");
        Console.WriteLine($"    {DateTime.UtcNow:HH:mm:ss.fff} {text}");
    }

    /// <summary>A violation the scenario itself observed (with its evidence).</summary>
    public void Anomaly(string text)
    {
        result.Anomalies.Add(text);
        Event("ANOMALY " + text);
    }

    /// <summary>The current leader of partition 0 per ZooKeeper (waits up to 30 s for one).</summary>
    public async Task<int> LeaderAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        int leader;
        while ((leader = await cluster.LeaderAsync(topic, 0)) < 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        if (leader < 0) throw new TimeoutException("partition 0 has no leader");
        return leader;
    }

    public IEnumerable<string> OtherBrokers(int id) => cluster.Brokers.Where(b => b.Id != id).Select(b => b.Address);

    public IEnumerable<string> ZooKeeperAddresses => cluster.ZooKeepers.Select(z => z.Address);

    /// <summary>Holds a fault for <see cref="FaultDuration"/> while logging the partition states every few seconds.</summary>
    public async Task HoldAsync(TimeSpan? duration = null)
    {
        var until = DateTime.UtcNow + (duration ?? FaultDuration);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(5) < until - DateTime.UtcNow ? TimeSpan.FromSeconds(5) : until - DateTime.UtcNow);
            Event("state: " + await cluster.DescribeAsync(topic, partitions));
        }
    }

    public void HealAll()
    {
        Firewall.HealAll();
        Event("healed (iptables flushed in every namespace)");
    }
}
