using Broker.Perf.Common;
using Confluent.Kafka;

namespace Broker.Perf.Producer;

/// <summary>
/// <c>producer-perf-test</c>: sends <c>--num-records</c> records as fast as allowed and prints Kafka's
/// ProducerPerformance lines. The send loop allocates nothing of its own: one reused Message whose Value points at a
/// prebuilt payload, one shared delivery handler (no Task or closure per record), the byte[] serializers (no copy;
/// librdkafka copies the bytes). Latency is taken from the record's CreateTime, which the loop stamps in ms.
/// </summary>
internal static class ProducerPerfCommand
{
    public static int Run(string[] args)
    {
        var options = ProducerPerfOptions.Parse(args);
        var stats = new ProducerStats(options.NumRecords, Console.Out, ProducerStats.NowMs());
        var producers = Enumerable.Range(0, options.Instances).Select(_ => Build(options, stats)).ToArray();
        try
        {
            var threads = new Thread[options.Instances];
            for (int i = 0; i < threads.Length; i++)
            {
                long share = options.NumRecords / options.Instances + (i < options.NumRecords % options.Instances ? 1 : 0);
                var producer = producers[i].Producer;
                var handler = producers[i].Handler;
                double rate = options.Throughput <= 0 ? -1 : options.Throughput / options.Instances;
                int seed = i;
                threads[i] = new Thread(() => SendLoop(producer, handler, options, share, rate, seed))
                    { Name = $"perf-producer-{i}", IsBackground = true };
            }

            stats.Start(ProducerStats.NowMs());
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            foreach (var p in producers) p.Producer.Flush(Timeout.InfiniteTimeSpan);
            stats.PrintTotal(ProducerStats.NowMs());
            if (options.PrintMetrics)
            {
                Console.Out.WriteLine();
                Console.Out.WriteLine("Metrics (librdkafka statistics of producer 0):");
                Console.Out.WriteLine(producers[0].LastStatistics ?? "{}");
            }
        }
        finally
        {
            foreach (var p in producers) p.Producer.Dispose();
        }

        if (stats.Failures > 0) Console.Error.WriteLine($"{stats.Failures} records failed");
        return stats.Failures > 0 ? 2 : 0;
    }

    private static void SendLoop(IProducer<byte[], byte[]> producer, Action<DeliveryReport<byte[], byte[]>> handler,
        ProducerPerfOptions options, long count, double rate, int seed)
    {
        var limiter = new RateLimiter(rate);
        var random = new Random(seed);
        var message = new Message<byte[], byte[]> { Value = options.Payloads.Next(random) };
        // Produce(string, ...) would allocate a TopicPartition per call.
        var target = new TopicPartition(options.Topic, Partition.Any);
        bool manyPayloads = options.Payloads.Count > 1;
        var keys = options.Keys; // null: records without a key (Kafka's tool), so the default partitioner spreads them
        limiter.Reset();
        for (long i = 0; i < count; i++)
        {
            if (!limiter.Unlimited) limiter.Acquire();
            if (manyPayloads) message.Value = options.Payloads.Next(random);
            if (keys is not null) message.Key = keys.Next(random);
            message.Timestamp = new Timestamp(ProducerStats.NowMs(), TimestampType.CreateTime);
            while (true)
            {
                try
                {
                    producer.Produce(target, message, handler);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local queue is full: wait for deliveries to drain it, as Java's send() blocks.
                    Thread.Sleep(1);
                }
            }
        }
    }

    private static PerfProducer Build(ProducerPerfOptions options, ProducerStats stats)
    {
        // Only what the handler reads: the value (for its length) only when payload sizes vary.
        int fixedSize = options.Payloads.Count == 1 ? options.Payloads.Next(Random.Shared).Length : -1;
        var config = new ProducerConfig(new Dictionary<string, string>(options.ClientSettings))
        {
            DeliveryReportFields = fixedSize >= 0 ? "timestamp,status" : "value,timestamp,status",
        };
        if (options.PrintMetrics && config.StatisticsIntervalMs is null) config.StatisticsIntervalMs = 1000;
        var perf = new PerfProducer();
        var builder = new ProducerBuilder<byte[], byte[]>(config)
            .SetKeySerializer(Serializers.ByteArray)
            .SetValueSerializer(Serializers.ByteArray)
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) Console.Error.WriteLine($"{m.Level} {m.Facility}: {m.Message}"); });
        if (options.PrintMetrics) builder.SetStatisticsHandler((_, json) => perf.LastStatistics = json);
        perf.Producer = builder.Build();
        perf.Handler = report =>
        {
            long now = ProducerStats.NowMs();
            if (report.Error.IsError)
            {
                if (stats.RecordFailure() <= 5) Console.Error.WriteLine($"delivery failed: {report.Error}");
                return;
            }

            int latency = (int)Math.Max(0, now - report.Message.Timestamp.UnixTimestampMs);
            stats.Record(latency, fixedSize >= 0 ? fixedSize : report.Message.Value?.Length ?? 0, now);
        };
        return perf;
    }

    /// <summary>One producer instance and its (single, shared) delivery handler.</summary>
    private sealed class PerfProducer
    {
        public IProducer<byte[], byte[]> Producer { get; set; } = null!;

        public Action<DeliveryReport<byte[], byte[]>> Handler { get; set; } = null!;

        public string? LastStatistics { get; set; }
    }
}
