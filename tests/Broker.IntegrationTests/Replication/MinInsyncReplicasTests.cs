using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// min.insync.replicas=2 with two of three replicas dead: acks=all sends fail (NOT_ENOUGH_REPLICAS, or time out) and
/// none is acknowledged; a value that failed may still be in the log (allowed; after message timeouts librdkafka bumps
/// the producer epoch and re-sends possibly-written records, so even several times), but no acknowledgment is false.
/// When one replica returns, sends succeed again.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class MinInsyncReplicasTests : ReplicationTestBase
{
    private static readonly ErrorCode[] AcceptableFailures =
    [
        ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicasAfterAppend, ErrorCode.Local_MsgTimedOut, ErrorCode.RequestTimedOut,
    ];

    [Test]
    public async Task TwoOfThreeReplicasDead_AcksAllSendsFailAndNoneIsAcknowledged_UntilOneReturns()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("min-isr", 1);
        // Short timeouts: a send that cannot be replicated is reported failed within seconds.
        var producer = await StartProducerAsync(topic, 1, new ContinuousProducerOptions
        {
            RatePerSecond = 200, MessageTimeoutMs = 5000, RequestTimeoutMs = 4000,
        });
        int leader = await Cluster.LeaderAsync(topic, 0);
        var followers = (await Cluster.ReplicasAsync(topic, 0)).Where(r => r != leader).ToList();
        var fault = producer.MarkFault($"kill -9 followers {string.Join(",", followers)} of leader {leader}");
        Note(fault.What);
        foreach (int f in followers) Cluster.Broker(f).Kill();
        double killedAt = producer.NowMs;

        var shrunk = await Cluster.WaitForIsrSizeAsync(topic, 0, 1);
        Note($"ISR shrank: {shrunk}");
        await Poll.UntilAsync(() => producer.Failures.Count(f => f.SentMs >= killedAt) >= 50, TimeSpan.FromSeconds(30),
            "50 failed sends while only one replica is alive");
        double restartAt = producer.NowMs;
        var ackedWhileAlone = producer.Acks.Where(a => a.SentMs >= killedAt && a.AckedMs < restartAt).ToList();
        var failuresWhileAlone = producer.Failures.Where(f => f.SentMs >= killedAt && f.FailedMs < restartAt).ToList();
        Note($"while alone: {ackedWhileAlone.Count} acked, {failuresWhileAlone.Count} failed " +
             $"({string.Join(", ", failuresWhileAlone.GroupBy(f => f.Code).Select(g => $"{g.Key}×{g.Count()}"))})");
        TestContext.Out.WriteLine(ackedWhileAlone.Count == 0 ? "no send acknowledged with one live replica" : "ACKED WITH ONE REPLICA");

        await Cluster.Broker(followers[0]).StartAsync();
        Note($"follower {followers[0]} restarted");
        await Cluster.WaitForIsrSizeAsync(topic, 0, 2, TimeSpan.FromSeconds(40));
        await producer.WaitForAcksAsync(200, TimeSpan.FromSeconds(40), producer.NowMs);
        Note("acknowledged again");

        var report = await StopAndVerifyAsync($"two of three replicas killed (leader {leader} alone), then one back", fault);
        Assert.Multiple(() =>
        {
            Assert.That(ackedWhileAlone.Select(a => a.Value), Is.Empty, "sends acknowledged while only the leader was in sync");
            Assert.That(failuresWhileAlone.Select(f => f.Code).Distinct(), Is.SubsetOf(AcceptableFailures), "failure codes");
        });
        AssertAcknowledgedValuesIntact(report);
    }

    [Test]
    public async Task TwoOfThreeReplicasDead_EachAcksAllSendGetsNotEnoughReplicas_AndNothingIsAppended_UntilOneReturns()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("not-enough", 1);
        // No retries and no idempotence: the broker's answer reaches the application as it is.
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = Cluster.Bootstrap, Acks = Acks.All, EnableIdempotence = false, MessageSendMaxRetries = 0,
            MessageTimeoutMs = 20_000, RequestTimeoutMs = 15_000,
        }).Build();
        var first = await producer.ProduceAsync(topic, new Message<Null, string> { Value = "before" });
        int leader = await Cluster.LeaderAsync(topic, 0);
        var followers = (await Cluster.ReplicasAsync(topic, 0)).Where(r => r != leader).ToList();
        foreach (int f in followers) Cluster.Broker(f).Kill();
        Note($"killed followers {string.Join(",", followers)} of leader {leader}");
        await Cluster.WaitForIsrSizeAsync(topic, 0, 1);

        // Until the leader's view catches up with ZooKeeper, a send may still be appended and then refused with
        // NOT_ENOUGH_REPLICAS_AFTER_APPEND (written, never acknowledged). Count those: they are the only appends.
        int appendedUnacknowledged = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var ex = Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync(topic, new Message<Null, string> { Value = "probe" }));
            if (ex!.Error.Code == ErrorCode.NotEnoughReplicas) break;
            Assert.That(ex.Error.Code, Is.EqualTo(ErrorCode.NotEnoughReplicasAfterAppend), "the only other answer while the leader learns of the shrink");
            appendedUnacknowledged++;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the leader never refused before appending");
        }

        var refused = new List<ErrorCode>();
        for (int i = 0; i < 20; i++)
        {
            var ex = Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync(topic, new Message<Null, string> { Value = $"alone-{i}" }));
            refused.Add(ex!.Error.Code);
        }

        Assert.That(refused, Has.All.EqualTo(ErrorCode.NotEnoughReplicas), "refused before appending while the ISR is below min.insync.replicas");
        Note($"{appendedUnacknowledged} send(s) answered NOT_ENOUGH_REPLICAS_AFTER_APPEND before the leader saw the shrink");

        await Cluster.Broker(followers[0]).StartAsync();
        await Cluster.WaitForIsrSizeAsync(topic, 0, 2, TimeSpan.FromSeconds(40));
        // ZooKeeper may show the grown ISR a moment before the leader applied it; NOT_ENOUGH_REPLICAS appends nothing.
        DeliveryResult<Null, string>? after = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                after = await producer.ProduceAsync(topic, new Message<Null, string> { Value = "after" });
                return true;
            }
            catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.NotEnoughReplicas)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "an acks=all send to succeed once two replicas are in sync");
        Assert.That(after!.Offset.Value, Is.EqualTo(first.Offset.Value + 1 + appendedUnacknowledged), "none of the NOT_ENOUGH_REPLICAS sends was appended");
    }
}
