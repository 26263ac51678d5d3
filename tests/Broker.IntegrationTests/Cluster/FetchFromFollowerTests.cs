using System.Collections.Concurrent;
using Broker.IntegrationTests.Wire;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Issue 16 item 4, fetch-from-follower (KIP-392): with <c>replica.selector.class</c> set to Kafka's
/// RackAwareReplicaSelector, the leader sends a consumer whose rack holds a follower to that follower, the follower
/// serves the consumer up to its high watermark, and a real client (librdkafka with client.rack) reads every record
/// through the follower in its rack.
/// </summary>
[TestFixture]
public sealed class FetchFromFollowerTests
{
    private const int Records = 300;
    private TestCluster _cluster = null!;
    private string _topic = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _cluster = await TestCluster.StartAsync(3,
            new Dictionary<string, string> { ["replica.selector.class"] = "org.apache.kafka.common.replica.RackAwareReplicaSelector" },
            (id, _) => new Dictionary<string, string> { ["broker.rack"] = $"r{id}" });
        _topic = "follower-fetch-" + Guid.NewGuid().ToString("N")[..8];
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Bootstrap }).Build())
        {
            // Leader 1 (rack r1), followers 2 and 3.
            await admin.CreateTopicsAsync([new TopicSpecification { Name = _topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1, 2, 3] } }]);
        }

        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.Bootstrap, Acks = Acks.All, EnableIdempotence = true }).Build();
        for (int i = 0; i < Records; i++) producer.Produce(_topic, new Message<Null, string> { Value = $"record-{i}" });
        Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.EqualTo(0), "every record acknowledged by the full ISR");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _cluster.DisposeAsync();

    private FetchRequest Fetch(string rack, long offset = 0)
    {
        var request = WireOps.Fetch(_topic, maxWaitMs: 0);
        request.RackId = rack;
        request.Topics[0].Partitions[0].FetchOffset = offset;
        return request;
    }

    [Test]
    public async Task Leader_SendsAConsumerFromAFollowersRack_ToThatFollower_WithNoRecords()
    {
        using var leader = new RawConnection(_cluster.Broker(1).Port);
        FetchResponse.PartitionData p = null!;
        // The followers' positions reach the leader with their next fetch after the acks.
        await Poll.UntilAsync(() =>
        {
            p = leader.RoundTrip<FetchResponse>(Fetch("r3"), 12).Responses.Single().Partitions.Single();
            return p.PreferredReadReplica == 3;
        }, TimeSpan.FromSeconds(20), "the leader to name broker 3 as the rack-r3 consumer's read replica");
        Assert.That(p.ErrorCode, Is.EqualTo(0));
        Assert.That(p.Records?.Length ?? 0, Is.EqualTo(0), "no records with a redirection, as Kafka");
        Assert.That(p.HighWatermark, Is.EqualTo(Records));

        var own = leader.RoundTrip<FetchResponse>(Fetch("r1"), 12).Responses.Single().Partitions.Single();
        Assert.That(own.PreferredReadReplica, Is.EqualTo(-1), "a consumer in the leader's rack reads from the leader");
        Assert.That(own.Records!.Length, Is.GreaterThan(0));
        var noRack = leader.RoundTrip<FetchResponse>(Fetch(""), 12).Responses.Single().Partitions.Single();
        Assert.That(noRack.PreferredReadReplica, Is.EqualTo(-1), "a consumer without a rack reads from the leader");
    }

    [Test]
    public async Task Follower_ServesAConsumersFetch_UpToItsHighWatermark_AndOldVersionsStillGoToTheLeader()
    {
        using var follower = new RawConnection(_cluster.Broker(3).Port);
        FetchResponse.PartitionData p = null!;
        await Poll.UntilAsync(() =>
        {
            p = follower.RoundTrip<FetchResponse>(Fetch("r3"), 12).Responses.Single().Partitions.Single();
            return p.HighWatermark == Records;
        }, TimeSpan.FromSeconds(20), "the follower's high watermark to reach the leader's");
        Assert.That(p.ErrorCode, Is.EqualTo(0));
        Assert.That(p.Records!.Length, Is.GreaterThan(0), "the follower serves records");

        var beyond = follower.RoundTrip<FetchResponse>(Fetch("r3", offset: Records), 12).Responses.Single().Partitions.Single();
        Assert.That(beyond.ErrorCode, Is.EqualTo(0), "at the high watermark: nothing yet, no error");
        var outOfRange = follower.RoundTrip<FetchResponse>(Fetch("r3", offset: Records + 1000), 12).Responses.Single().Partitions.Single();
        Assert.That(outOfRange.ErrorCode, Is.EqualTo((short)Broker.Protocol.ErrorCode.OffsetOutOfRange), "past anything the leader had: out of range");

        // Fetch v10 has no client metadata: followers refuse it as before (Kafka reads those from the leader only).
        var v10 = follower.RoundTrip<FetchResponse>(WireOps.Fetch(_topic, maxWaitMs: 0), 10).Responses.Single().Partitions.Single();
        Assert.That(v10.ErrorCode, Is.EqualTo((short)Broker.Protocol.ErrorCode.NotLeaderOrFollower));
    }

    [Test]
    public void RealConsumerWithClientRack_ReadsEveryRecord_FromTheFollowerInItsRack()
    {
        var logs = new ConcurrentQueue<string>();
        var config = new ConsumerConfig
        {
            BootstrapServers = _cluster.Bootstrap,
            GroupId = "ffr-" + Guid.NewGuid().ToString("N")[..8],
            ClientRack = "r2",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            Debug = "fetch",
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config).SetLogHandler((_, m) => logs.Enqueue(m.Message)).Build();
        consumer.Assign(new TopicPartitionOffset(_topic, 0, Offset.Beginning));
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < Records && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r?.Message is not null) seen.Add(r.Message.Value);
        }

        Assert.That(seen, Has.Count.EqualTo(Records), "every record read once");
        // librdkafka names the broker serving a fetch in its debug lines ("127.0.0.1:port/2: Fetch topic ...").
        string follower = $"/2: Fetch topic {_topic}";
        Assert.That(logs.Any(l => l.Contains(follower, StringComparison.Ordinal)), Is.True,
            $"broker 2 (rack r2) served the consumer's fetches; fetch lines seen:\n{string.Join("\n", logs.Where(l => l.Contains("Fetch", StringComparison.Ordinal)).Take(30))}");
    }
}
