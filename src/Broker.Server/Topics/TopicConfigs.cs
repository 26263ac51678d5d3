using System.Globalization;
using Broker.Protocol.Records;
using Broker.Server.Configuration;
using Broker.Storage;
using Broker.Storage.Log;

namespace Broker.Server.Topics;

/// <summary>
/// Per-topic settings (Kafka's topic-level names) and how they override the broker's log defaults.
/// Unknown names and bad values are refused with a message naming them, as Kafka's InvalidConfig.
/// </summary>
public static class TopicConfigs
{
    private static readonly Dictionary<string, Func<string, bool>> Known = new(StringComparer.Ordinal)
    {
        ["retention.ms"] = IsLong,
        ["retention.bytes"] = IsLong,
        ["segment.bytes"] = v => int.TryParse(v, CultureInfo.InvariantCulture, out int n) && n >= 14,
        ["segment.ms"] = v => long.TryParse(v, CultureInfo.InvariantCulture, out long n) && n >= 1,
        ["segment.index.bytes"] = IsInt,
        ["index.interval.bytes"] = IsInt,
        ["flush.messages"] = IsLong,
        ["flush.ms"] = IsLong,
        ["max.message.bytes"] = IsInt,
        ["min.insync.replicas"] = v => int.TryParse(v, CultureInfo.InvariantCulture, out int n) && n >= 1,
        ["cleanup.policy"] = v => v.Split(',').All(p => p.Trim() is "delete" or "compact"),
        ["compression.type"] = v => v is "producer" or "uncompressed" or "gzip" or "snappy" or "lz4" or "zstd",
        ["message.timestamp.type"] = v => v is "CreateTime" or "LogAppendTime",
        ["message.timestamp.difference.max.ms"] = IsLong,
        ["unclean.leader.election.enable"] = v => v is "true" or "false",
        ["file.delete.delay.ms"] = IsLong,
        ["delete.retention.ms"] = IsLong,
        ["min.compaction.lag.ms"] = IsLong,
        ["max.compaction.lag.ms"] = IsLong,
        ["min.cleanable.dirty.ratio"] = v => double.TryParse(v, CultureInfo.InvariantCulture, out _),
        ["preallocate"] = v => v is "true" or "false",
        ["message.downconversion.enable"] = v => v is "true" or "false",
        ["segment.jitter.ms"] = IsLong,
        ["follower.replication.throttled.replicas"] = _ => true,
        ["leader.replication.throttled.replicas"] = _ => true,
    };

    public static bool IsKnown(string name) => Known.ContainsKey(name);

    /// <summary>Returns null when every entry is valid, else a message naming the first bad one.</summary>
    public static string? Validate(IEnumerable<KeyValuePair<string, string?>> configs)
    {
        foreach (var (name, value) in configs)
        {
            if (!Known.TryGetValue(name, out var check)) return $"Unknown topic config name: {name}";
            if (value is null || !check(value)) return $"Invalid value {value} for configuration {name}";
        }

        return null;
    }

    /// <summary>The broker's log defaults with the topic's overrides applied.</summary>
    public static LogConfig ToLogConfig(BrokerConfig broker, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var config = BrokerLogConfig(broker);
        foreach (var (name, value) in overrides)
        {
            if (value is null) continue;
            config = name switch
            {
                "retention.ms" => config with { RetentionMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "retention.bytes" => config with { RetentionBytes = long.Parse(value, CultureInfo.InvariantCulture) },
                "segment.bytes" => config with { SegmentBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "segment.ms" => config with { SegmentMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "segment.index.bytes" => config with { MaxIndexBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "index.interval.bytes" => config with { IndexIntervalBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "flush.messages" => config with { FlushIntervalMessages = long.Parse(value, CultureInfo.InvariantCulture) },
                "flush.ms" => config with { FlushIntervalMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "max.message.bytes" => config with { MaxMessageBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "message.timestamp.type" => config with { MessageTimestampType = value == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime },
                "file.delete.delay.ms" => config with { FileDeleteDelayMs = long.Parse(value, CultureInfo.InvariantCulture) },
                _ => config,
            };
        }

        return config;
    }

    /// <summary>The log settings every partition gets from the broker configuration.</summary>
    public static LogConfig BrokerLogConfig(BrokerConfig broker) => new()
    {
        SegmentBytes = broker.LogSegmentBytes,
        SegmentMs = broker.LogRollMs,
        RetentionMs = broker.LogRetentionMs,
        RetentionBytes = broker.LogRetentionBytes,
        IndexIntervalBytes = broker.LogIndexIntervalBytes,
        MaxIndexBytes = broker.LogIndexSizeMaxBytes,
        FlushIntervalMessages = broker.LogFlushIntervalMessages,
        FlushIntervalMs = broker.LogFlushIntervalMs ?? long.MaxValue,
        MaxMessageBytes = broker.MessageMaxBytes,
        MessageTimestampType = broker.LogMessageTimestampType == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    };

    private static bool IsLong(string v) => long.TryParse(v, CultureInfo.InvariantCulture, out _);

    private static bool IsInt(string v) => int.TryParse(v, CultureInfo.InvariantCulture, out _);
}
