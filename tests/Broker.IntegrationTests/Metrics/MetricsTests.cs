using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Metrics;

/// <summary>
/// The Prometheus endpoint of real brokers on a real ZooKeeper, scraped while Confluent.Kafka clients work: the
/// topic counters move as the workload does and count on the leader only, consumer lag equals the group's committed
/// offsets against the end offsets, a killed follower shows as under-replicated on the leader within seconds.
/// One three-broker cluster for the fixture; the kill runs last.
/// </summary>
[TestFixture]
[Category("Metrics")]
[NonParallelizable]
public sealed class MetricsTests
{
    private TestCluster _cluster = null!;
    private readonly Dictionary<int, int> _metricsPorts = [];

    private IEnumerable<int> Ports => _metricsPorts.Values;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        for (int id = 1; id <= 3; id++) _metricsPorts[id] = FreePort.Next();
        _cluster = await TestCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["offsets.topic.replication.factor"] = "3",
            ["offsets.topic.num.partitions"] = "3",
            ["group.initial.rebalance.delay.ms"] = "0",
            ["replica.lag.time.max.ms"] = "10000",
        }, (id, _) => new Dictionary<string, string> { ["metrics.listener"] = $"http://127.0.0.1:{_metricsPorts[id]}" });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster?.OutputOfAll(60));
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Test, Order(1)]
    public async Task ProduceConsume_MovesTopicCountersOnLeadersOnly_AndLagEqualsCommittedVsEnd()
    {
        string topic = $"metrics-{Guid.NewGuid():N}"[..16];
        await _cluster.CreateTopicAsync(topic, 3, 3);
        const int records = 300;
        long payload = 0;
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _cluster.Bootstrap, Acks = Acks.All, LingerMs = 5 }).Build())
        {
            var sends = new List<Task<DeliveryResult<Null, byte[]>>>();
            for (int i = 0; i < records; i++)
            {
                var value = new byte[100 + i % 50];
                payload += value.Length;
                sends.Add(producer.ProduceAsync(new TopicPartition(topic, i % 3), new Message<Null, byte[]> { Value = value }));
            }

            await Task.WhenAll(sends);
        }

        // Every acknowledged record counted once: on its leader's append, not again on the two followers'.
        double messagesIn = await Scrape.SumAllAsync(Ports, "kafka_server_brokertopicmetrics_messagesin_total", ("topic", topic));
        double bytesIn = await Scrape.SumAllAsync(Ports, "kafka_server_brokertopicmetrics_bytesin_total", ("topic", topic));
        TestContext.Out.WriteLine($"messages in {messagesIn}, bytes in {bytesIn}, payload {payload}");
        Assert.That(messagesIn, Is.EqualTo(records));
        // Bytes in = the stored batches: the payload plus record and batch framing (at most ~10 bytes a record here
        // and 61 a batch), never a follower's copy.
        Assert.That(bytesIn, Is.InRange(payload, payload + records * (10 + 61)));

        // Consume in a group, then commit offsets of our choosing: lag = end - committed per committed partition,
        // exported by the group's coordinator, as consumer-groups.sh --describe computes it.
        string group = $"g-{Guid.NewGuid():N}"[..10];
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.Bootstrap, GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        int consumed = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (consumed < records && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null) consumed++;
        Assert.That(consumed, Is.EqualTo(records));
        consumer.Commit([new TopicPartitionOffset(topic, 0, 40), new TopicPartitionOffset(topic, 1, 70), new TopicPartitionOffset(topic, 2, 100)]);
        var committed = consumer.Committed([new(topic, 0), new(topic, 1), new(topic, 2)], TimeSpan.FromSeconds(10));
        long expectedLag = 0, expectedCurrent = 0;
        foreach (var c in committed)
        {
            var w = consumer.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(10));
            expectedLag += w.High.Value - c.Offset.Value;
            expectedCurrent += c.Offset.Value;
        }

        TestContext.Out.WriteLine($"committed {string.Join(",", committed.Select(c => $"{c.Partition.Value}:{c.Offset.Value}"))}, expected lag {expectedLag}");
        Assert.That(expectedLag, Is.EqualTo(60 + 30 + 0));
        double lag = -1, current = -1;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                lag = await Scrape.SumAllAsync(Ports, "kafka_consumergroup_lag", ("consumergroup", group), ("topic", topic));
                current = await Scrape.SumAllAsync(Ports, "kafka_consumergroup_current_offset", ("consumergroup", group), ("topic", topic));
                return lag == expectedLag && current == expectedCurrent;
            }, TimeSpan.FromSeconds(15), "the group's lag and current offsets");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"kafka_consumergroup_lag summed to {lag} (expected {expectedLag}), current offsets to {current} (expected {expectedCurrent})");
        }

        // Bytes out: consumers read at least what was appended; the partition offsets come from the leaders.
        double bytesOut = await Scrape.SumAllAsync(Ports, "kafka_server_brokertopicmetrics_bytesout_total", ("topic", topic));
        Assert.That(bytesOut, Is.GreaterThan(0).And.LessThanOrEqualTo(bytesIn * 2));
        Assert.That(await Scrape.SumAllAsync(Ports, "kafka_topic_partition_current_offset", ("topic", topic)), Is.EqualTo(records));
        Assert.That(await Scrape.SumAllAsync(Ports, "kafka_server_replicamanager_leadercount"), Is.GreaterThanOrEqualTo(3));
        Assert.That(await Scrape.SumAllAsync(Ports, "kafka_controller_kafkacontroller_activecontrollercount"), Is.EqualTo(1));
        Assert.That(await Scrape.SumAllAsync(Ports, "kafka_network_requestmetrics_requests_total", ("request", "Produce")), Is.GreaterThan(0));
        consumer.Close();

        // Every name the shipped Grafana dashboard queries is exported by some broker after this workload.
        string dashboard = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "monitoring", "grafana-dashboard.json"));
        var names = System.Text.RegularExpressions.Regex.Matches(dashboard, "kafka_[a-z_]+").Select(m => m.Value).ToHashSet();
        var scrapes = new List<Scrape>();
        foreach (int port in Ports) scrapes.Add(await Scrape.GetAsync(port));
        Assert.That(names.Where(n => !scrapes.Any(sc => sc.Has(n))), Is.Empty, "dashboard names no broker exports");
    }

    [Test, Order(2)]
    public async Task KilledFollower_ShowsUnderReplicatedOnTheLeader_WithinSeconds()
    {
        string topic = $"urp-{Guid.NewGuid():N}"[..12];
        await _cluster.CreateTopicAsync(topic, 1, 3);
        int leader = await _cluster.LeaderAsync(topic, 0);
        int port = _metricsPorts[leader];
        Assert.That((await Scrape.GetAsync(port)).Sum("kafka_server_replicamanager_underreplicatedpartitions"), Is.EqualTo(0));
        int follower = new[] { 1, 2, 3 }.First(b => b != leader && b != ControllerOrNone());
        var killed = DateTime.UtcNow;
        _cluster.Broker(follower).Kill();
        double under = 0;
        await Poll.UntilAsync(async () => (under = (await Scrape.GetAsync(port)).Sum("kafka_server_replicamanager_underreplicatedpartitions")) >= 1,
            TimeSpan.FromSeconds(25), $"broker {leader} reporting under-replicated partitions after broker {follower} was killed");
        TestContext.Out.WriteLine($"under-replicated on leader {leader} after {(DateTime.UtcNow - killed).TotalSeconds:0.0} s: {under}");
        Assert.That((await Scrape.GetAsync(port)).Sum("kafka_server_replicamanager_isrshrinks_total")
                    + await Scrape.SumAllAsync(Ports.Where(p => p != _metricsPorts[follower]), "kafka_server_replicamanager_underreplicatedpartitions"),
            Is.GreaterThanOrEqualTo(1));
    }

    /// <summary>The active controller by the metric, or -1: killing it would test controller failover too.</summary>
    private int ControllerOrNone()
    {
        foreach (var (id, port) in _metricsPorts)
            if (Scrape.GetAsync(port).GetAwaiter().GetResult().Sum("kafka_controller_kafkacontroller_activecontrollercount") == 1) return id;
        return -1;
    }
}
