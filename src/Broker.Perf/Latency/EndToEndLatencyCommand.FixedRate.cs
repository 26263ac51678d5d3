using System.Diagnostics;
using System.Globalization;
using Broker.Perf.Common;
using Confluent.Kafka;

namespace Broker.Perf.Latency;

internal static partial class EndToEndLatencyCommand
{
    /// <summary>
    /// Open loop: a sender thread produces at <c>--throughput</c> msg/s by schedule, stamping each payload with its
    /// intended send time; this thread consumes (long-poll, fetch.wait.max.ms 500 unless the properties file says
    /// otherwise, so the broker must wake parked fetches on append) and records receive time − intended send time.
    /// A slow broker therefore shows up as latency, not as a lower send rate. No allocation per message by this code.
    /// </summary>
    private static int FixedRateRun(EndToEndLatencyOptions o)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(ProducerConfig(o)).SetLogHandler(LogWarnings).Build();
        using var consumer = new ConsumerBuilder<Ignore, Stamp>(ConsumerConfig(o, fetchWaitMaxMs: 500))
            .SetValueDeserializer(StampDeserializer.Instance).SetLogHandler(LogWarnings).Build();
        AssignAtEnd(consumer, o);

        long failures = 0;
        Action<DeliveryReport<Null, byte[]>> onDelivery = r =>
        {
            if (r.Error.IsError && Interlocked.Increment(ref failures) <= 5) Console.Error.WriteLine($"delivery failed: {r.Error}");
        };
        var sender = new Thread(() => SendAtRate(producer, onDelivery, o)) { Name = "e2e-sender", IsBackground = true };

        var latenciesUs = new long[o.NumMessages - o.WarmupMessages];
        int measured = 0;
        long received = 0;
        long printEvery = Math.Max(1000, (long)o.Throughput);
        double usPerTick = 1_000_000.0 / Stopwatch.Frequency;
        long lastReceive = Stopwatch.GetTimestamp();
        sender.Start();
        while (received < o.NumMessages)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            long now = Stopwatch.GetTimestamp();
            if (record?.Message is null)
            {
                if (Stopwatch.GetElapsedTime(lastReceive) > PollTimeout || Interlocked.Read(ref failures) > 0 && !sender.IsAlive)
                {
                    Console.Error.WriteLine($"poll() timed out before finding a result (timeout:[{(long)PollTimeout.TotalMilliseconds}]); " +
                                            $"received {received} of {o.NumMessages}, {Interlocked.Read(ref failures)} sends failed");
                    return 1;
                }

                continue;
            }

            lastReceive = now;
            var stamp = record.Message.Value;
            if (stamp.Sequence < 0) continue;
            received++;
            long us = (long)((now - stamp.SendTicks) * usPerTick);
            if (stamp.Sequence % printEvery == 0) Console.Out.WriteLine($"{stamp.Sequence}\t{(us / 1000.0).ToString(CultureInfo.InvariantCulture)}");
            if (stamp.Sequence >= o.WarmupMessages && measured < latenciesUs.Length) latenciesUs[measured++] = us;
        }

        sender.Join();
        LatencyReport.Print(Console.Out, latenciesUs, measured);
        consumer.Close();
        return 0;
    }

    private static void SendAtRate(IProducer<Null, byte[]> producer, Action<DeliveryReport<Null, byte[]>> onDelivery, EndToEndLatencyOptions o)
    {
        var payload = new byte[o.MessageSize];
        var random = new Random(0);
        for (int b = StampDeserializer.StampBytes; b < payload.Length; b++) payload[b] = (byte)('A' + random.Next(26));
        var message = new Message<Null, byte[]> { Value = payload };
        var limiter = new RateLimiter(o.Throughput);
        limiter.Reset();
        for (long i = 0; i < o.NumMessages; i++)
        {
            long due = limiter.Acquire();
            StampDeserializer.Write(payload, due, i);
            while (true)
            {
                try
                {
                    // librdkafka copies the value during Produce, so the buffer is reused for the next message.
                    producer.Produce(o.Topic, message, onDelivery);
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    Thread.Sleep(1);
                }
            }
        }

        producer.Flush(Timeout.InfiniteTimeSpan);
    }
}
