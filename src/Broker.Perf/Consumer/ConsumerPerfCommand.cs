using Broker.Perf.Common;
using Confluent.Kafka;

namespace Broker.Perf.Consumer;

/// <summary>
/// <c>consumer-perf-test</c>: reads <c>--messages</c> records and prints Kafka's ConsumerPerformance CSV. Without
/// <c>--group</c> it assigns every partition (from a metadata query) so no group coordinator is involved and
/// rebalance.time.ms is 0; with <c>--group</c> it subscribes and counts the wait for the first assignment as
/// rebalance time. Keys and values are "deserialized" to their lengths, so nothing is copied per record.
/// </summary>
internal static class ConsumerPerfCommand
{
    private const string BasicHeader = "data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec";
    private const string ExtendedHeader = ", rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";

    public static int Run(string[] args)
    {
        var o = ConsumerPerfOptions.Parse(args);
        string? lastStatistics = null;
        var builder = new ConsumerBuilder<int, int>(BuildConfig(o))
            .SetKeyDeserializer(LengthDeserializer.Instance)
            .SetValueDeserializer(LengthDeserializer.Instance)
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) Console.Error.WriteLine($"{m.Level} {m.Facility}: {m.Message}"); });
        if (o.PrintMetrics) builder.SetStatisticsHandler((_, json) => lastStatistics = json);

        long joinStartMs = 0, joinTimeMs = 0, joinTimeInRoundMs = 0;
        if (o.Group is not null)
        {
            builder.SetPartitionsAssignedHandler((_, _) =>
            {
                long spent = NowMs() - joinStartMs;
                joinTimeMs += spent;
                joinTimeInRoundMs += spent;
            });
            builder.SetPartitionsRevokedHandler((_, _) => joinStartMs = NowMs());
        }

        using var consumer = builder.Build();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (!o.HideHeader)
            Console.Out.WriteLine((o.ShowDetailedStats ? "time, threadId, " : "start.time, end.time, ") + BasicHeader + ExtendedHeader);

        long startMs = NowMs();
        if (o.Group is null)
        {
            if (!AssignAll(consumer, o)) return 1;
        }
        else
        {
            joinStartMs = startMs;
            consumer.Subscribe(o.Topic);
        }

        long bytesRead = 0, messagesRead = 0, lastBytesRead = 0, lastMessagesRead = 0;
        long now = NowMs(), lastReportTime = now, lastConsumedTime = now;
        var poll = TimeSpan.FromMilliseconds(100);
        while (messagesRead < o.Messages && now - lastConsumedTime <= o.TimeoutMs)
        {
            var record = consumer.Consume(poll);
            now = NowMs();
            if (record is null || record.IsPartitionEOF) continue;
            lastConsumedTime = now;
            messagesRead++;
            bytesRead += record.Message.Key + record.Message.Value;
            if (now - lastReportTime >= o.ReportingIntervalMs)
            {
                if (o.ShowDetailedStats)
                    PrintProgress(o, bytesRead, lastBytesRead, messagesRead, lastMessagesRead, lastReportTime, now, joinTimeInRoundMs);
                joinTimeInRoundMs = 0;
                lastReportTime = now;
                lastMessagesRead = messagesRead;
                lastBytesRead = bytesRead;
            }
        }

        if (messagesRead < o.Messages)
            Console.Error.WriteLine($"WARNING: Exiting before consuming the expected number of messages: timeout ({o.TimeoutMs} ms) exceeded. " +
                                    "You can use the --timeout option to increase the timeout.");
        long endMs = NowMs();
        if (!o.ShowDetailedStats)
        {
            double elapsedSecs = (endMs - startMs) / 1000.0;
            long fetchTimeMs = endMs - startMs - joinTimeMs;
            double mb = bytesRead / (1024.0 * 1024.0);
            Console.Out.WriteLine(string.Join(", ",
                JavaFormat.Date(Local(startMs), o.DateFormat), JavaFormat.Date(Local(endMs), o.DateFormat),
                JavaFormat.F(mb, 4), JavaFormat.F(mb / elapsedSecs, 4), messagesRead.ToString(culture), JavaFormat.F(messagesRead / elapsedSecs, 4),
                joinTimeMs.ToString(culture), fetchTimeMs.ToString(culture),
                JavaFormat.F(mb / (fetchTimeMs / 1000.0), 4), JavaFormat.F(messagesRead / (fetchTimeMs / 1000.0), 4)));
        }

        if (o.PrintMetrics)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine("Metrics (librdkafka statistics):");
            Console.Out.WriteLine(lastStatistics ?? "{}");
        }

        consumer.Close();
        return 0;
    }

    private static ConsumerConfig BuildConfig(ConsumerPerfOptions o)
    {
        // Kafka's tool: CRC checks off, 1 MiB fetches, 2 MiB socket buffer; the settings file may override them.
        var config = new ConsumerConfig(new Dictionary<string, string>(o.ClientSettings))
        {
            BootstrapServers = o.BootstrapServers,
            ConsumeResultFields = "none",
            EnablePartitionEof = false,
        };
        config.CheckCrcs ??= false;
        config.MaxPartitionFetchBytes ??= o.FetchSize;
        config.SocketReceiveBufferBytes ??= o.SocketBufferSize;
        config.AutoOffsetReset ??= o.FromLatest ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest;
        // Confluent.Kafka insists on a group.id even for assign(); like Kafka's tool, make one up. With assign() and
        // auto-commit off it is never used for a group.
        config.GroupId = o.Group ?? $"perf-consumer-{Random.Shared.Next(100_000)}";
        if (o.Group is null) config.EnableAutoCommit = false;
        return config;
    }

    private static bool AssignAll(IConsumer<int, int> consumer, ConsumerPerfOptions o)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var deadline = DateTime.UtcNow.AddMilliseconds(Math.Max(o.TimeoutMs, 1000));
        while (true)
        {
            var topic = admin.GetMetadata(o.Topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == o.Topic);
            if (topic is { Error.IsError: false, Partitions.Count: > 0 })
            {
                var start = o.FromLatest ? Offset.End : Offset.Beginning;
                consumer.Assign(topic.Partitions.Select(p => new TopicPartitionOffset(o.Topic, p.PartitionId, start)));
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine($"topic {o.Topic} not found: {topic?.Error.Reason ?? "no metadata"}");
                return false;
            }

            Thread.Sleep(100);
        }
    }

    private static void PrintProgress(ConsumerPerfOptions o, long bytesRead, long lastBytesRead, long messagesRead, long lastMessagesRead,
        long startMs, long endMs, long joinTimeInRoundMs)
    {
        double elapsedMs = Math.Max(1, endMs - startMs);
        double totalMb = bytesRead / (1024.0 * 1024.0);
        double intervalMb = (bytesRead - lastBytesRead) / (1024.0 * 1024.0);
        double intervalMessages = messagesRead - lastMessagesRead;
        double fetchMs = Math.Max(1, elapsedMs - joinTimeInRoundMs);
        Console.Out.WriteLine(string.Join(", ",
            JavaFormat.Date(Local(endMs), o.DateFormat), "0", JavaFormat.F(totalMb, 4), JavaFormat.F(1000.0 * intervalMb / elapsedMs, 4),
            messagesRead.ToString(System.Globalization.CultureInfo.InvariantCulture), JavaFormat.F(intervalMessages / elapsedMs * 1000.0, 4),
            joinTimeInRoundMs.ToString(System.Globalization.CultureInfo.InvariantCulture), ((long)fetchMs).ToString(System.Globalization.CultureInfo.InvariantCulture),
            JavaFormat.F(1000.0 * intervalMb / fetchMs, 4), JavaFormat.F(intervalMessages / fetchMs * 1000.0, 4)));
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static DateTime Local(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).LocalDateTime;
}
