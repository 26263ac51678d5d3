using Broker.IntegrationTests.Cluster;
using Broker.TestKit;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// Kafka's replication_test.py setting: three brokers, topics with replication factor 3 and min.insync.replicas=2,
/// an idempotent acks=all producer running while a fault is injected, then a verifier reading the whole log. Each
/// test starts its own cluster (faults leave it changed). On failure the teardown prints the producer's report, the
/// partition states in ZooKeeper, the client's log and the tail of every broker's output.
/// </summary>
[Category("Replication")]
public abstract class ReplicationTestBase
{
    protected const short ReplicationFactor = 3;
    protected const int MinInsyncReplicas = 2;

    private readonly List<string> _notes = [];
    private (string Topic, int Partitions)? _topic;

    protected TestCluster Cluster { get; private set; } = null!;

    protected ContinuousProducer? Producer { get; private set; }

    /// <summary>Three brokers on a fresh ZooKeeper with the offsets topic replicated 3 times (5 partitions: quick to create).</summary>
    protected async Task StartClusterAsync(IDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["offsets.topic.replication.factor"] = "3",
            ["offsets.topic.num.partitions"] = "5",
            ["group.initial.rebalance.delay.ms"] = "0",
            // A dead follower leaves the ISR when the controller sees its session expire (6 s); the leader's own lag
            // check is the fallback, shortened from 30 s so a missing controller step shows as slowness, not a hang.
            ["replica.lag.time.max.ms"] = "10000",
        };
        if (settings is not null) foreach (var kv in settings) all[kv.Key] = kv.Value;
        Cluster = await TestCluster.StartAsync(3, all);
    }

    /// <summary>Creates a topic with RF 3 and min.insync.replicas=2 (or the given ones) and waits until every partition's ISR is full.</summary>
    protected async Task<string> CreateReplicatedTopicAsync(string prefix, int partitions, short replicationFactor = ReplicationFactor,
        int minInsyncReplicas = MinInsyncReplicas)
    {
        string topic = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        _topic = (topic, partitions);
        await Cluster.CreateTopicAsync(topic, partitions, replicationFactor,
            new Dictionary<string, string> { ["min.insync.replicas"] = minInsyncReplicas.ToString() });
        return topic;
    }

    /// <summary>Starts the continuous producer on the topic and waits for its first acknowledgments.</summary>
    protected async Task<ContinuousProducer> StartProducerAsync(string topic, int partitions, ContinuousProducerOptions? options = null,
        int warmUpAcks = 200)
    {
        Producer = new ContinuousProducer(Cluster.Bootstrap, topic, partitions, options);
        Producer.Start();
        await Producer.WaitForAcksAsync(warmUpAcks, TimeSpan.FromSeconds(30));
        return Producer;
    }

    /// <summary>
    /// Stops the producer (waiting for outstanding reports), reads the whole topic through the running brokers and
    /// checks it; prints the report (the figures the integrator quotes) and returns it.
    /// </summary>
    protected async Task<HarnessReport> StopAndVerifyAsync(string scenario, FaultMark? fault, TimeSpan? flush = null)
    {
        var producer = Producer ?? throw new InvalidOperationException("no producer");
        var (topic, partitions) = _topic ?? throw new InvalidOperationException("no topic");
        long unresolved = producer.Stop(flush ?? TimeSpan.FromSeconds(35));
        var lastAcked = producer.Acks.GroupBy(a => a.Partition).ToDictionary(g => g.Key, g => g.Max(a => a.Offset));
        var logs = await LogReader.ReadAllAsync(Cluster.RunningBootstrap, topic, partitions, lastAcked);
        var report = LogVerifier.Verify(scenario, producer, unresolved, logs, fault);
        Note(report.ToString());
        TestContext.Out.WriteLine(report.ToString());
        return report;
    }

    /// <summary>The replication guarantees: nothing acknowledged lost or moved, no duplicates, per-partition order kept.</summary>
    protected static void AssertNothingLostOrDuplicated(HarnessReport report)
    {
        Assert.Multiple(() =>
        {
            Assert.That(report.FatalError, Is.Null, "the idempotent producer hit a fatal error");
            Assert.That(report.Lost, Is.Zero, "acknowledged values missing from the log");
            Assert.That(report.Misplaced, Is.Zero, "acknowledged values at another offset than acknowledged");
            Assert.That(report.Duplicates, Is.Zero, "values written more than once");
            Assert.That(report.OutOfOrder, Is.Zero, "values out of send order within a partition");
            Assert.That(report.NonIncreasingOffsets, Is.Zero, "offsets not strictly increasing");
            Assert.That(report.Unresolved, Is.Zero, "sends without a delivery report after the flush");
        });
    }

    /// <summary>
    /// The guarantees for acknowledged values, for scenarios where sends fail: a value the producer gave up on may be in
    /// the log, even several times, and so may earlier copies of a value acknowledged later (after message timeouts
    /// librdkafka bumps the producer epoch and re-sends records that were possibly written); but every acknowledged value
    /// is at its acknowledged offset, nothing is written again after its acknowledgment, and acknowledged values keep
    /// their send order.
    /// </summary>
    protected static void AssertAcknowledgedValuesIntact(HarnessReport report)
    {
        Assert.Multiple(() =>
        {
            Assert.That(report.FatalError, Is.Null, "the idempotent producer hit a fatal error");
            Assert.That(report.Lost, Is.Zero, "acknowledged values missing from the log");
            Assert.That(report.Misplaced, Is.Zero, "acknowledged values at another offset than acknowledged");
            Assert.That(report.CopiesAfterAck, Is.Zero, "acknowledged values written again after their acknowledgment");
            Assert.That(report.AckedOutOfOrder, Is.Zero, "acknowledged values out of send order within a partition");
            Assert.That(report.NonIncreasingOffsets, Is.Zero, "offsets not strictly increasing");
            Assert.That(report.Unresolved, Is.Zero, "sends without a delivery report after the flush");
        });
    }

    /// <summary>A line for the failure report (what the test did, when).</summary>
    protected void Note(string line) => _notes.Add($"{DateTime.Now:HH:mm:ss.fff} {line}");

    [TearDown]
    public async Task TearDownClusterAsync()
    {
        bool failed = TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed;
        Producer?.Dispose();
        if (Cluster is null) return;
        if (failed)
        {
            var text = new System.Text.StringBuilder("=== what the test did\n").AppendJoin('\n', _notes);
            if (_topic is var (topic, partitions))
            {
                try
                {
                    text.Append("\n=== partition states\n").Append(await Cluster.DescribeAsync(topic, partitions).WaitAsync(TimeSpan.FromSeconds(10)));
                }
                catch (Exception e) when (e is TimeoutException or Broker.ZooKeeper.ZooKeeperException)
                {
                    text.Append("\n(partition states unavailable: ").Append(e.Message).Append(')');
                }
            }

            if (Producer is not null) text.Append("\n=== producer client log\n").Append(Producer.ClientLogTail(Environment.GetEnvironmentVariable("BROKER_TEST_RDKAFKA_DEBUG") is { Length: > 0 } ? 100_000 : 40));
            text.Append("\n=== brokers\n").Append(Cluster.OutputOfAll(60));
            TestContext.Out.WriteLine(text.ToString());
        }

        await Cluster.DisposeAsync();
        Cluster = null!;
        Producer = null;
        _topic = null;
        _notes.Clear();
    }
}
