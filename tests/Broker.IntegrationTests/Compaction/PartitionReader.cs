using Confluent.Kafka;

namespace Broker.IntegrationTests.Compaction;

/// <summary>One record as a compacted log keeps it: its original offset, key and value (null for a tombstone).</summary>
internal readonly record struct Rec(long Offset, string Key, string? Value);

/// <summary>Reads one partition from the beginning up to the high watermark seen at the start (a compacted log has gaps).</summary>
internal static class PartitionReader
{
    /// <param name="config">bootstrap and client settings; group and offset settings are set here.</param>
    /// <param name="onLog">librdkafka's log lines (with <c>Debug</c> set in <paramref name="config"/>), or null.</param>
    public static List<Rec> ReadAll(ConsumerConfig config, string topic, Action<string>? onLog = null)
    {
        config.GroupId = "unused-" + Guid.NewGuid();
        config.EnableAutoCommit = false;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        var builder = new ConsumerBuilder<string, string>(config);
        if (onLog is not null) builder.SetLogHandler((_, m) => onLog(m.Message));
        using var consumer = builder.Build();
        var tp = new TopicPartition(topic, 0);
        long high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var records = new List<Rec>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                if (consumer.Position(tp).Value >= high) break;
                continue;
            }

            if (result.IsPartitionEOF) break;
            records.Add(new Rec(result.Offset.Value, result.Message.Key, result.Message.Value));
            if (result.Offset.Value >= high - 1) break;
        }

        return records;
    }
}
