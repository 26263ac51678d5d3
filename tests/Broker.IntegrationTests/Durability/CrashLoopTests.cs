using System.Collections.Concurrent;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Durability;

/// <summary>
/// A crash loop (issue 11, "crash loops and torn writes"): the broker is killed with kill -9 at a random moment while
/// an idempotent acks=all producer sends, restarted at once, and this repeats. After every restart each partition's
/// log end covers everything acknowledged so far; at the end every acknowledged record is read back exactly once at
/// its acknowledged offset and every offset below the log end is readable. Iterations:
/// <c>BROKER_CRASH_LOOP_ITERATIONS</c> (default 3 in the normal run; 50 by hand).
/// </summary>
[TestFixture]
public sealed class CrashLoopTests
{
    private const string Topic = "crash-loop";
    private const int Partitions = 3;

    [Test]
    public async Task KillNineDuringProduce_RepeatedWithImmediateRestart_EveryAcknowledgedRecordOnceAtItsOffset()
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("BROKER_CRASH_LOOP_ITERATIONS"), out int n) && n > 0 ? n : 3;
        using var broker = new BrokerProcess(0, new Dictionary<string, string>
        {
            ["num.partitions"] = Partitions.ToString(),
            ["log.segment.bytes"] = "65536", // several rolls per iteration: torn tails land in any segment
        });
        await broker.StartAsync();
        var acked = new ConcurrentDictionary<string, (int Partition, long Offset)>();
        var random = new Random(Environment.TickCount);
        int sequence = 0;

        for (int iteration = 1; iteration <= iterations; iteration++)
        {
            int ackedBefore = acked.Count;
            var config = new ProducerConfig
            {
                BootstrapServers = broker.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 1,
                MessageTimeoutMs = 4000, ReconnectBackoffMaxMs = 200,
            };
            using (var producer = new ProducerBuilder<Null, string>(config).Build())
            {
                void Send()
                {
                    string value = $"it{iteration}-{Interlocked.Increment(ref sequence)}-{new string('x', random.Next(0, 300))}";
                    producer.Produce(Topic, new Message<Null, string> { Value = value }, report =>
                    {
                        if (report.Error.Code == ErrorCode.NoError && report.Offset.Value >= 0) acked[value] = (report.Partition.Value, report.Offset.Value);
                    });
                }

                // Produce until this iteration has acknowledgments, then keep sending and kill at a random point.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (acked.Count - ackedBefore < 500 && DateTime.UtcNow < deadline)
                {
                    for (int k = 0; k < 200; k++) Send();
                    producer.Poll(TimeSpan.FromMilliseconds(5));
                }

                Assert.That(acked.Count - ackedBefore, Is.GreaterThanOrEqualTo(500), $"iteration {iteration}: the restarted broker acknowledged too little\n{broker.OutputTail()}");
                int extra = random.Next(0, 3000);
                for (int k = 0; k < extra; k++) Send();
                broker.Kill();
                producer.Flush(TimeSpan.FromSeconds(2));
            }

            await broker.StartAsync();
            var highs = HighWatermarks(broker);
            foreach (var (value, at) in acked)
            {
                Assert.That(at.Offset, Is.LessThan(highs[at.Partition]),
                    $"iteration {iteration}: acknowledged {value} at {at.Partition}@{at.Offset} is beyond the log end {highs[at.Partition]} after restart");
            }
        }

        var stored = ReadAll(broker);
        TestContext.Out.WriteLine($"{iterations} kill -9 iterations: {acked.Count} acknowledged, {stored.Count} stored");
        var lost = acked.Where(kv => !stored.TryGetValue(kv.Value, out var v) || v != kv.Key).Take(5).ToList();
        Assert.That(lost, Is.Empty, $"acknowledged records missing or moved, e.g. {string.Join(", ", lost.Select(l => $"{l.Key}@{l.Value}"))}");
        var duplicated = stored.Values.GroupBy(v => v).Where(g => g.Count() > 1 && acked.ContainsKey(g.Key)).Take(5).ToList();
        Assert.That(duplicated, Is.Empty, $"acknowledged records stored twice, e.g. {string.Join(", ", duplicated.Select(d => d.Key))}");
    }

    private static long[] HighWatermarks(BrokerProcess broker)
    {
        using var consumer = NewConsumer(broker);
        return Enumerable.Range(0, Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
    }

    /// <summary>Every record below each partition's log end, keyed by (partition, offset); fails on a hole.</summary>
    private static Dictionary<(int Partition, long Offset), string> ReadAll(BrokerProcess broker)
    {
        var highs = HighWatermarks(broker);
        using var consumer = NewConsumer(broker);
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var found = new Dictionary<(int, long), string>();
        long expected = highs.Sum();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (found.Count < expected && DateTime.UtcNow < deadline)
        {
            var cr = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (cr?.Message is not null) found[(cr.Partition.Value, cr.Offset.Value)] = cr.Message.Value;
        }

        Assert.That(found, Has.Count.EqualTo(expected), "every offset below the log end is readable (no holes after recovery)");
        return found;
    }

    private static IConsumer<Null, string> NewConsumer(BrokerProcess broker) =>
        new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "crash-loop-reader", EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
}
