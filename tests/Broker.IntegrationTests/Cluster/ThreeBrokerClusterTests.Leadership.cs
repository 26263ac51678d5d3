using System.Diagnostics;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

// How brokers learn leadership from ZooKeeper under a burst of topic creations (issue 11).
public sealed partial class ThreeBrokerClusterTests
{
    /// <summary>
    /// Topics created in bursts through every broker at once: each broker must learn every partition's leader from
    /// its ZooKeeper watches within a bound well under the periodic reconcile (30 s), so a missed watch (a state
    /// node created between a read and its exists-watch) shows as a failure instead of being repaired later.
    /// </summary>
    [Test]
    public async Task TopicsCreatedInBursts_EveryBrokerSeesEveryLeader_WithinBound()
    {
        const int Rounds = 3, TopicsPerRound = 12, Partitions = 4;
        var bound = TimeSpan.FromSeconds(10);
        var admins = _cluster.Brokers.Select(b => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b.BootstrapServers }).Build()).ToList();
        try
        {
            var slowest = TimeSpan.Zero;
            for (int round = 0; round < Rounds; round++)
            {
                var topics = Enumerable.Range(0, TopicsPerRound).Select(_ => Unique("burst")).ToList();
                await Task.WhenAll(topics.Select((t, i) => admins[i % admins.Count].CreateTopicsAsync(
                    [new TopicSpecification { Name = t, NumPartitions = Partitions, ReplicationFactor = 3 }])));
                var clock = Stopwatch.StartNew();
                foreach (var (admin, broker) in admins.Zip(_cluster.Brokers))
                {
                    string missing = "";
                    await Poll.UntilAsync(() =>
                    {
                        var seen = admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.Where(t => topics.Contains(t.Topic)).ToList();
                        missing = string.Join(",", topics.Except(seen.Where(t => t.Partitions.Count == Partitions && t.Partitions.All(p => p.Leader > 0)).Select(t => t.Topic)));
                        return missing.Length == 0;
                    }, bound - clock.Elapsed > TimeSpan.Zero ? bound - clock.Elapsed : TimeSpan.Zero,
                        $"broker {broker.BrokerId} to see a leader for every partition (round {round}; missing in {missing})");
                }

                if (clock.Elapsed > slowest) slowest = clock.Elapsed;
            }

            TestContext.Out.WriteLine($"slowest round until every broker saw every leader: {slowest.TotalMilliseconds:0} ms");
        }
        finally
        {
            foreach (var a in admins) a.Dispose();
        }
    }
}
