using System.Collections.Concurrent;
using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Compaction;

/// <summary>
/// Issue 13 item 6: followers clean their own replicas, as Kafka's do, and every replica then answers the same
/// records (offset, key, value) for every consumer-visible offset: one record per live key at its original offset.
/// Each replica is read on its own by a real consumer whose client.rack sends it there (KIP-392).
/// </summary>
[TestFixture]
public sealed class FollowerCompactionTests
{
    [Test]
    public async Task EveryReplica_IsCleanedByItsBroker_AndAnswersTheSameRecords()
    {
        await using var cluster = await TestCluster.StartAsync(3,
            new Dictionary<string, string>
            {
                ["replica.selector.class"] = "org.apache.kafka.common.replica.RackAwareReplicaSelector",
                ["log.cleaner.backoff.ms"] = "100",
                ["log.retention.check.interval.ms"] = "200",
            },
            (id, _) => new Dictionary<string, string> { ["broker.rack"] = $"r{id}" });
        string topic = "compacted-rf3-" + Guid.NewGuid().ToString("N")[..8];
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1, 2, 3] },
                Configs = new Dictionary<string, string>
                {
                    ["cleanup.policy"] = "compact", ["segment.bytes"] = "4096", ["min.cleanable.dirty.ratio"] = "0.01",
                    ["delete.retention.ms"] = "0",
                },
            }]);
        }

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
               { BootstrapServers = cluster.Bootstrap, EnableIdempotence = true, Acks = Acks.All, LingerMs = 5 }).Build())
        {
            for (int round = 0; round < 5; round++)
            {
                for (int k = 0; k < 100; k++) producer.Produce(topic, new Message<string, string> { Key = $"key-{k}", Value = $"v-{round}-{k}" });
                Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.EqualTo(0));
            }

            // Unique filler keys push every overwritten record into closed, cleanable segments.
            for (int i = 0; i < 120; i++) producer.Produce(topic, new Message<string, string> { Key = $"filler-{i}", Value = new string('f', 60) });
            Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.EqualTo(0));
        }

        // The latest record of each key, read now, is what every replica must keep, at this offset.
        var (written, _) = ReadReplica(cluster, topic, "r1");
        var expected = written.GroupBy(r => r.Key).Select(g => g.Last()).OrderBy(r => r.Offset).ToList();
        Assert.That(expected, Has.Count.EqualTo(100 + 120));
        Assert.That(expected.Where(r => r.Key.StartsWith("key-", StringComparison.Ordinal)).Select(r => r.Value), Is.All.StartsWith("v-4-"));

        foreach (int broker in new[] { 1, 2, 3 })
        {
            List<Rec> seen = [];
            bool servedThere = false;
            await Poll.UntilAsync(() =>
            {
                (seen, var fetchedFrom) = ReadReplica(cluster, topic, $"r{broker}");
                servedThere |= fetchedFrom.Contains(broker);
                return seen.SequenceEqual(expected);
            }, TimeSpan.FromSeconds(90), $"broker {broker}'s replica to be cleaned to one record per key (last read: {seen.Count} records)");
            Assert.That(servedThere, Is.True, $"the reads of rack r{broker} were served by broker {broker}");
        }
    }

    /// <summary>Every record of partition 0 read by a consumer in <paramref name="rack"/>, and the brokers that served its fetches.</summary>
    private static (List<Rec> Records, HashSet<int> FetchedFrom) ReadReplica(TestCluster cluster, string topic, string rack)
    {
        var logs = new ConcurrentQueue<string>();
        var records = PartitionReader.ReadAll(new ConsumerConfig { BootstrapServers = cluster.Bootstrap, ClientRack = rack, Debug = "fetch" }, topic, logs.Enqueue);

        // librdkafka names the serving broker in its fetch debug lines: "127.0.0.1:port/N: Fetch topic <t> ...".
        var from = new HashSet<int>();
        foreach (int id in new[] { 1, 2, 3 })
            if (logs.Any(l => l.Contains($"/{id}: Fetch topic {topic}", StringComparison.Ordinal))) from.Add(id);
        return (records, from);
    }
}
