using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// A batch of message.max.bytes (1,048,588) is larger than replica.fetch.max.bytes (1,048,576); the leader returns it
/// only as the first batch of the first non-empty partition of a follower fetch (KIP-74). The follower's fetcher must
/// rotate its partitions (those that got records go to the end), or busy partitions ahead of it keep it from ever being
/// first: the follower never copies it and leaves that partition's ISR for good.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class OversizedBatchReplicationTests
{
    private const int ReplicaFetchMaxBytes = 1_048_576;
    private const int MessageMaxBytes = 1_048_588;

    /// <summary>Value size giving a batch of one record without key or headers of 1,048,582 bytes (61 header + 11 record framing).</summary>
    private const int BigValueBytes = 1_048_510;

    private TestCluster? _cluster;

    [Test]
    public async Task MaxSizeBatchesBehindBusyPartitions_AreReplicated_AndTheFollowerStaysInSync()
    {
        // The follower waits for a full fetch (min bytes not reached) so that every busy partition has records in
        // every response: without rotation they are always ahead of the big batches.
        _cluster = await TestCluster.StartAsync(2, new Dictionary<string, string>
        {
            ["replica.lag.time.max.ms"] = "5000",
            ["replica.fetch.min.bytes"] = "10485760",
            ["replica.fetch.wait.max.ms"] = "200",
            ["offsets.topic.replication.factor"] = "1",
        });
        string topic = $"big-{Guid.NewGuid():N}"[..12];
        await _cluster.CreateTopicAsync(topic, 16, 2, new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
        int leader = await _cluster.LeaderAsync(topic, 0);
        var led = new List<int>();
        for (int p = 0; p < 16; p++)
            if (await _cluster.LeaderAsync(topic, p) == leader) led.Add(p);
        var big = led.TakeLast(2).ToArray();
        var busy = led.SkipLast(2).ToArray();
        TestContext.Out.WriteLine($"leader {leader}: busy partitions [{string.Join(",", busy)}], max-size batches to [{string.Join(",", big)}]");

        using var stop = new CancellationTokenSource();
        var busyLoad = Task.Run(() => ProduceBusyAsync(topic, busy, stop.Token));
        try
        {
            await Task.Delay(1000); // let the busy partitions fill the follower's fetches first

            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
            {
                BootstrapServers = _cluster.Bootstrap, Acks = Acks.All, EnableIdempotence = false, MessageMaxBytes = 2_000_000,
                BatchSize = 2_000_000, LingerMs = 0, MessageTimeoutMs = 25_000, RequestTimeoutMs = 20_000,
            }).Build();
            var value = new byte[BigValueBytes];
            var sends = big.Select(p => producer.ProduceAsync(new TopicPartition(topic, p), new Message<Null, byte[]> { Value = value })).ToArray();
            var delivered = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(40));
            Assert.That(delivered.Select(d => d.Offset.Value), Has.All.EqualTo(0L), "acks=all with min.insync.replicas=2: the follower has them");

            foreach (int p in big)
            {
                long stored = Directory.GetFiles(Path.Combine(_cluster.Broker(leader).LogDir, $"{topic}-{p}"), "*.log").Sum(f => new FileInfo(f).Length);
                Assert.That(stored, Is.InRange(ReplicaFetchMaxBytes + 1, MessageMaxBytes), $"partition {p}: the stored batch is larger than replica.fetch.max.bytes");
                var state = await _cluster.PartitionStateAsync(topic, p);
                Assert.That(state!.Isr, Has.Count.EqualTo(2), $"partition {p}: the follower stays in the ISR");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await busyLoad;
        }
    }

    private async Task ProduceBusyAsync(string topic, int[] partitions, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = _cluster!.Bootstrap, Acks = Acks.Leader, LingerMs = 5,
        }).Build();
        while (!ct.IsCancellationRequested)
        {
            foreach (int p in partitions) producer.Produce(new TopicPartition(topic, p), new Message<Null, string> { Value = "busy" });
            try
            {
                await Task.Delay(20, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        producer.Flush(TimeSpan.FromSeconds(5));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_cluster is null) return;
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            TestContext.Out.WriteLine(_cluster.OutputOfAll(60));
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}
