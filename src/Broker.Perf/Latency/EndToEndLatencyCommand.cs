using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Perf.Latency;

/// <summary>
/// <c>end-to-end-latency</c>: Kafka's EndToEndLatency (send one message synchronously, poll until it arrives, repeat;
/// producer linger.ms=0, consumer fetch.wait.max.ms=0) or, with <c>--throughput</c>, a fixed-rate open-loop run
/// (see <see cref="FixedRateRun"/>). Creates the topic with one partition when it does not exist, and starts the
/// consumer at the current end of every partition.
/// </summary>
internal static partial class EndToEndLatencyCommand
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(60);

    public static int Run(string[] args)
    {
        var o = EndToEndLatencyOptions.Parse(args);
        CreateTopicIfMissing(o);
        return o.Throughput > 0 ? FixedRateRun(o) : RoundTripRun(o);
    }

    private static int RoundTripRun(EndToEndLatencyOptions o)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(ProducerConfig(o)).SetLogHandler(LogWarnings).Build();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(ConsumerConfig(o, fetchWaitMaxMs: 0)).SetLogHandler(LogWarnings).Build();
        AssignAtEnd(consumer, o);

        var random = new Random(0);
        var latenciesUs = new long[o.NumMessages - o.WarmupMessages];
        var message = new Message<Null, byte[]> { Value = new byte[o.MessageSize] };
        for (int i = 0; i < o.NumMessages; i++)
        {
            for (int b = 0; b < message.Value.Length; b++) message.Value[b] = (byte)('A' + random.Next(26));
            long begin = Stopwatch.GetTimestamp();
            producer.ProduceAsync(o.Topic, message).GetAwaiter().GetResult();
            var record = consumer.Consume(PollTimeout);
            double elapsedMs = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            if (record?.Message is null)
            {
                Console.Error.WriteLine($"poll() timed out before finding a result (timeout:[{(long)PollTimeout.TotalMilliseconds}])");
                return 1;
            }

            if (!record.Message.Value.AsSpan().SequenceEqual(message.Value))
            {
                Console.Error.WriteLine($"The message read did not match the message sent (message {i})");
                return 1;
            }

            if (i % 1000 == 0) Console.Out.WriteLine($"{i}\t{elapsedMs.ToString(CultureInfo.InvariantCulture)}");
            if (i < o.WarmupMessages) continue;
            latenciesUs[i - o.WarmupMessages] = (long)(elapsedMs * 1000);
        }

        LatencyReport.Print(Console.Out, latenciesUs, latenciesUs.Length);
        consumer.Close();
        return 0;
    }

    private static ProducerConfig ProducerConfig(EndToEndLatencyOptions o) =>
        new(new Dictionary<string, string>(o.ClientSettings))
        {
            BootstrapServers = o.BootstrapServers,
            LingerMs = 0,
            Acks = o.Acks == "1" ? Acks.Leader : Acks.All,
            SocketNagleDisable = true,
        };

    private static ConsumerConfig ConsumerConfig(EndToEndLatencyOptions o, int fetchWaitMaxMs)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(o.ClientSettings))
        {
            BootstrapServers = o.BootstrapServers,
            GroupId = $"test-group-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}",
            EnableAutoCommit = false,
            EnablePartitionEof = false,
            SocketNagleDisable = true,
            ConsumeResultFields = "none",
        };
        config.FetchWaitMaxMs ??= fetchWaitMaxMs;
        return config;
    }

    private static void CreateTopicIfMissing(EndToEndLatencyOptions o)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = o.BootstrapServers }).SetLogHandler(LogWarnings).Build();
        var meta = admin.GetMetadata(o.Topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == o.Topic);
        if (meta is { Error.IsError: false, Partitions.Count: > 0 }) return;
        try
        {
            Console.Out.WriteLine($"Topic \"{o.Topic}\" does not exist. Will create topic with 1 partition(s) and default replication factor.");
            admin.CreateTopicsAsync([new TopicSpecification { Name = o.Topic, NumPartitions = 1, ReplicationFactor = -1 }]).GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            // Created by auto-creation or someone else in between: fine.
        }
    }

    /// <summary>Assigns every partition at its current high watermark, resolved now, so no message sent later is missed.</summary>
    private static void AssignAtEnd<TKey, TValue>(IConsumer<TKey, TValue> consumer, EndToEndLatencyOptions o)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var topic = admin.GetMetadata(o.Topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == o.Topic);
            if (topic is { Error.IsError: false, Partitions.Count: > 0 })
            {
                consumer.Assign(topic.Partitions.Select(p =>
                {
                    var tp = new TopicPartition(o.Topic, p.PartitionId);
                    return new TopicPartitionOffset(tp, consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High);
                }));
                return;
            }

            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"topic {o.Topic} has no metadata: {topic?.Error.Reason}");
            Thread.Sleep(100);
        }
    }

    private static void LogWarnings<T>(T client, LogMessage m)
    {
        if (m.Level <= SyslogLevel.Warning) Console.Error.WriteLine($"{m.Level} {m.Facility}: {m.Message}");
    }
}
