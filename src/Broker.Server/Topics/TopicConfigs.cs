using System.Globalization;
using Broker.Protocol.Records;
using Broker.Server.Configuration;
using Broker.Storage.Log;
using Broker.Storage;

namespace Broker.Server.Topics;

/// <summary>
/// Per-topic settings (Kafka's topic-level names): validation, the broker settings they fall back to (their
/// "synonyms"), how overrides combine with the broker's log defaults, and the change operations of AlterConfigs and
/// IncrementalAlterConfigs. Unknown names and bad values are refused with a message naming them, as Kafka's
/// INVALID_CONFIG. Stateless and thread-safe.
/// </summary>
public static class TopicConfigs
{
    /// <summary>Kafka's DescribeConfigs config_type codes.</summary>
    public const sbyte TypeBoolean = 1, TypeString = 2, TypeInt = 3, TypeLong = 5, TypeDouble = 6, TypeList = 7;

    /// <summary>
    /// One topic setting. <see cref="BrokerSynonyms"/> are the broker settings it falls back to, most specific first
    /// (e.g. log.retention.ms before log.retention.hours); <see cref="KafkaDefault"/> is the value when none is set.
    /// </summary>
    public sealed record Definition(string Name, sbyte Type, Func<string, string?> Check, string[] BrokerSynonyms, string KafkaDefault, string Doc);

    private const string LongMax = "9223372036854775807";

    /// <summary>Every topic setting, sorted by name (the order DescribeConfigs reports them in).</summary>
    public static IReadOnlyList<Definition> All { get; } =
    [
        new("cleanup.policy", TypeList, OneOfList("delete", "compact"), ["log.cleanup.policy"], "delete",
            "What happens to old segments: delete them, compact them by key, or both."),
        new("compression.type", TypeString, OneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), ["compression.type"], "producer",
            "Compression of the stored batches; 'producer' keeps what the producer sent."),
        new("delete.retention.ms", TypeLong, Long(0), ["log.cleaner.delete.retention.ms"], "86400000",
            "How long tombstones are kept in compacted topics, in milliseconds."),
        new("file.delete.delay.ms", TypeLong, Long(0), ["log.segment.delete.delay.ms"], "60000",
            "Delay before a deleted segment's files are removed, in milliseconds."),
        new("flush.messages", TypeLong, Long(1), ["log.flush.interval.messages"], LongMax,
            "Messages appended before the partition is fsynced."),
        new("flush.ms", TypeLong, Long(0), ["log.flush.interval.ms"], LongMax,
            "Longest time a message stays unflushed, in milliseconds."),
        new("follower.replication.throttled.replicas", TypeList, _ => null, [], "",
            "Replicas whose log replication is throttled on the follower side: partition:broker,... or *."),
        new("index.interval.bytes", TypeInt, Int(0), ["log.index.interval.bytes"], "4096",
            "Bytes of records between two offset-index entries."),
        new("leader.replication.throttled.replicas", TypeList, _ => null, [], "",
            "Replicas whose log replication is throttled on the leader side: partition:broker,... or *."),
        new("max.compaction.lag.ms", TypeLong, Long(1), ["log.cleaner.max.compaction.lag.ms"], LongMax,
            "Longest time a message stays uncompacted, in milliseconds."),
        new("max.message.bytes", TypeInt, Int(0), ["message.max.bytes"], "1048588",
            "Largest record batch the topic accepts, in bytes."),
        new("message.downconversion.enable", TypeBoolean, Bool, ["log.message.downconversion.enable"], "true",
            "Whether old consumers may receive down-converted batches."),
        // Kafka 3.x still accepts it (deprecated) and ignores it once inter.broker.protocol.version is 3.0 or later;
        // librdkafka's 0092_mixed_msgver sets it. Batches are always stored in format v2 here.
        new("message.format.version", TypeString, KafkaVersion, ["log.message.format.version"], "3.0-IV1",
            "Deprecated and ignored (as in Kafka 3.x): batches are always stored in message format v2."),
        new("message.timestamp.difference.max.ms", TypeLong, Long(0), ["log.message.timestamp.difference.max.ms"], LongMax,
            "Largest allowed difference between a CreateTime timestamp and the broker's clock, in milliseconds."),
        new("message.timestamp.type", TypeString, OneOf("CreateTime", "LogAppendTime"), ["log.message.timestamp.type"], "CreateTime",
            "Which timestamp records keep: the producer's (CreateTime) or the broker's append time (LogAppendTime)."),
        new("min.cleanable.dirty.ratio", TypeDouble, Ratio, ["log.cleaner.min.cleanable.ratio"], "0.5",
            "Smallest share of a log that must be dirty before it is compacted."),
        new("min.compaction.lag.ms", TypeLong, Long(0), ["log.cleaner.min.compaction.lag.ms"], "0",
            "Shortest time a message stays uncompacted, in milliseconds."),
        new("min.insync.replicas", TypeInt, Int(1), ["min.insync.replicas"], "1",
            "In-sync replicas an acks=all write needs."),
        new("preallocate", TypeBoolean, Bool, ["log.preallocate"], "false",
            "Whether segment files are preallocated."),
        new("retention.bytes", TypeLong, Long(long.MinValue), ["log.retention.bytes"], "-1",
            "Delete the oldest segments while a partition is bigger than this, in bytes; -1 means no limit."),
        new("retention.ms", TypeLong, Long(-1), ["log.retention.ms", "log.retention.minutes", "log.retention.hours"], "604800000",
            "Keep closed segments this long, in milliseconds; -1 means no time limit."),
        new("segment.bytes", TypeInt, Int(14), ["log.segment.bytes"], "1073741824",
            "Size at which a segment is closed and a new one started, in bytes."),
        new("segment.index.bytes", TypeInt, Int(4), ["log.index.size.max.bytes"], "10485760",
            "Size of a segment's offset index, in bytes."),
        new("segment.jitter.ms", TypeLong, Long(0), ["log.roll.jitter.ms", "log.roll.jitter.hours"], "0",
            "Largest random jitter subtracted from segment.ms, in milliseconds."),
        new("segment.ms", TypeLong, Long(1), ["log.roll.ms", "log.roll.hours"], "604800000",
            "Age at which a segment is rolled even if not full, in milliseconds."),
        new("unclean.leader.election.enable", TypeBoolean, Bool, ["unclean.leader.election.enable"], "false",
            "Whether an out-of-sync replica may become leader (losing data)."),
    ];

    private static readonly Dictionary<string, Definition> ByName = All.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    public static bool TryGet(string name, out Definition definition) => ByName.TryGetValue(name, out definition!);

    /// <summary>Returns null when every entry is valid, else a message naming the first bad one.</summary>
    public static string? Validate(IEnumerable<KeyValuePair<string, string?>> configs)
    {
        foreach (var (name, value) in configs)
        {
            if (!ByName.TryGetValue(name, out var def)) return $"Unknown topic config name: {name}";
            if (value is null) return $"Invalid value null for configuration {name}: the value must not be null";
            if (def.Check(value.Trim()) is { } reason) return $"Invalid value {value} for configuration {name}: {reason}";
        }

        return null;
    }

    /// <summary>
    /// The value a topic without an override gets, and whether a broker setting (rather than the built-in default)
    /// supplied it. Time settings with several synonyms use the broker's resolved value (e.g. hours → ms).
    /// </summary>
    public static (string Value, bool FromBroker) BrokerValue(BrokerConfig broker, Definition def)
    {
        string? set = def.BrokerSynonyms.FirstOrDefault(s => BrokerConfigDef.TryFind(s, out _) && broker.IsSet(s));
        if (set is null) return (def.KafkaDefault, false);
        string? value = def.Name switch
        {
            "retention.ms" => broker.LogRetentionMs.ToString(CultureInfo.InvariantCulture),
            "segment.ms" => broker.LogRollMs.ToString(CultureInfo.InvariantCulture),
            _ => broker.GetString(set),
        };
        return (value ?? def.KafkaDefault, true);
    }

    /// <summary>
    /// Applies config changes to a topic's overrides. <paramref name="replaceAll"/> (AlterConfigs) starts from no
    /// overrides; otherwise (IncrementalAlterConfigs) from <paramref name="current"/>. Append and Subtract work on
    /// list settings only, starting from the override or the inherited value. The result is validated as a whole.
    /// </summary>
    public static (Dictionary<string, string>? Result, string? Error) Apply(BrokerConfig broker,
        IReadOnlyDictionary<string, string> current, IReadOnlyList<TopicConfigChange> changes, bool replaceAll)
    {
        var result = replaceAll ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (!ByName.TryGetValue(change.Name, out var def)) return (null, $"Unknown topic config name: {change.Name}");
            switch (change.Operation)
            {
                case ConfigOperation.Set:
                    if (change.Value is null) return (null, $"Null value not supported for topic config: {change.Name}");
                    result[change.Name] = change.Value;
                    break;
                case ConfigOperation.Delete:
                    result.Remove(change.Name);
                    break;
                case ConfigOperation.Append or ConfigOperation.Subtract:
                    if (def.Type != TypeList)
                        return (null, $"Config value {(change.Operation == ConfigOperation.Append ? "append" : "subtract")} is not allowed for config key: {change.Name}");
                    var items = SplitList(result.TryGetValue(change.Name, out var old) ? old : BrokerValue(broker, def).Value);
                    var operand = SplitList(change.Value ?? "");
                    items = change.Operation == ConfigOperation.Append
                        ? items.Concat(operand).Distinct(StringComparer.Ordinal).ToList()
                        : items.Where(i => !operand.Contains(i, StringComparer.Ordinal)).ToList();
                    result[change.Name] = string.Join(",", items);
                    break;
                default:
                    return (null, $"Unknown config operation {(sbyte)change.Operation} for config key: {change.Name}");
            }
        }

        var error = Validate(result.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)));
        return error is null ? (result, null) : (null, error);
    }

    /// <summary>The broker's log defaults with the topic's overrides applied.</summary>
    public static LogConfig ToLogConfig(BrokerConfig broker, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var config = BrokerLogConfig(broker);
        foreach (var (name, raw) in overrides)
        {
            if (raw is null) continue;
            string value = raw.Trim();
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
                "message.timestamp.difference.max.ms" => config with { MessageTimestampDifferenceMaxMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "cleanup.policy" => WithCleanupPolicy(config, SplitList(value)),
                "file.delete.delay.ms" => config with { FileDeleteDelayMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "delete.retention.ms" => config with { DeleteRetentionMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "min.cleanable.dirty.ratio" => config with { MinCleanableDirtyRatio = double.Parse(value, CultureInfo.InvariantCulture) },
                "min.compaction.lag.ms" => config with { MinCompactionLagMs = long.Parse(value, CultureInfo.InvariantCulture) },
                "max.compaction.lag.ms" => config with { MaxCompactionLagMs = long.Parse(value, CultureInfo.InvariantCulture) },
                _ => config,
            };
        }

        return config;
    }

    /// <summary>The log settings every partition gets from the broker configuration.</summary>
    public static LogConfig BrokerLogConfig(BrokerConfig broker) => WithCleanupPolicy(BrokerLogSettings(broker), broker.LogCleanupPolicy);

    private static LogConfig BrokerLogSettings(BrokerConfig broker) => new()
    {
        DeleteRetentionMs = broker.LogCleanerDeleteRetentionMs,
        MinCleanableDirtyRatio = broker.LogCleanerMinCleanableRatio,
        MinCompactionLagMs = broker.LogCleanerMinCompactionLagMs,
        MaxCompactionLagMs = broker.LogCleanerMaxCompactionLagMs,
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

    /// <summary>cleanup.policy (a list of delete and compact) as the log's two flags.</summary>
    private static LogConfig WithCleanupPolicy(LogConfig config, IReadOnlyCollection<string> policy) => config with
    {
        Delete = policy.Contains("delete", StringComparer.Ordinal),
        Compact = policy.Contains("compact", StringComparer.Ordinal),
    };

    private static List<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static Func<string, string?> Long(long min) => v =>
        !long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? "Not a number of type LONG"
        : n < min ? $"Value must be at least {min}" : null;

    private static Func<string, string?> Int(int min) => v =>
        !int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? "Not a number of type INT"
        : n < min ? $"Value must be at least {min}" : null;

    private static string? Bool(string v) =>
        v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? null : "Expected value to be either true or false";

    private static string? Ratio(string v) =>
        !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? "Not a number of type DOUBLE"
        : d is < 0 or > 1 ? "Value must be between 0 and 1" : null;

    private static string? KafkaVersion(string v) =>
        System.Text.RegularExpressions.Regex.IsMatch(v, @"^\d+(\.\d+){1,3}(-IV\d+)?$") ? null : "Version `" + v + "` is not a valid version";

    private static Func<string, string?> OneOf(params string[] allowed) => v =>
        allowed.Contains(v, StringComparer.Ordinal) ? null : $"String must be one of: {string.Join(", ", allowed)}";

    private static Func<string, string?> OneOfList(params string[] allowed) => v =>
        SplitList(v).All(p => allowed.Contains(p, StringComparer.Ordinal)) ? null : $"Each entry must be one of: {string.Join(", ", allowed)}";
}
