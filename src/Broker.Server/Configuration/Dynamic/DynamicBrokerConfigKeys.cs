namespace Broker.Server.Configuration;

/// <summary>
/// The broker configs this broker changes at runtime (KIP-226), each one Kafka also marks dynamic, and where each is
/// applied. Everything else is refused as Kafka refuses its static configs ("Cannot update these configs
/// dynamically"), including the dynamic ones of Kafka this broker does not reconfigure (thread pools, listeners, SSL
/// stores, log.cleaner.threads): accepting them would store a value that changes nothing. Stateless.
/// </summary>
public static class DynamicBrokerConfigKeys
{
    /// <summary>
    /// Topic defaults (Kafka's DynamicLogConfig): every hosted partition's log config is rebuilt from them at once
    /// (<c>LeadershipApplier</c>), so retention, segment size, flush, cleaner and Produce's size limit follow.
    /// </summary>
    public static readonly IReadOnlySet<string> LogDefaults = new HashSet<string>(StringComparer.Ordinal)
    {
        "message.max.bytes", "log.segment.bytes", "log.roll.ms", "log.roll.hours", "log.retention.ms", "log.retention.minutes",
        "log.retention.hours", "log.retention.bytes", "log.index.interval.bytes", "log.index.size.max.bytes",
        "log.flush.interval.messages", "log.flush.interval.ms", "log.cleaner.delete.retention.ms",
        "log.cleaner.min.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms", "log.cleaner.min.cleanable.ratio",
        "log.cleanup.policy", "log.message.timestamp.type", "min.insync.replicas", "unclean.leader.election.enable",
    };

    /// <summary>Kafka's DynamicConnectionQuota: applied to the listeners' shared connection quotas.</summary>
    public static readonly IReadOnlySet<string> ConnectionQuotas = new HashSet<string>(StringComparer.Ordinal)
    {
        "max.connections", "max.connections.per.ip",
    };

    /// <summary>Kafka's replication throttles (DynamicConfig.Broker), read at every fetch by <c>ReplicationQuotas</c>.</summary>
    public static readonly IReadOnlySet<string> ReplicationThrottles = new HashSet<string>(StringComparer.Ordinal)
    {
        "leader.replication.throttled.rate", "follower.replication.throttled.rate",
    };

    /// <summary>
    /// Kafka's dynamic listener SASL/Kerberos settings: accepted and stored (librdkafka's 0081 sets one on a BROKER
    /// resource), inert here because this broker has no Kerberos login to refresh. Type and Kafka default.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (sbyte Type, string Default)> Inert = new Dictionary<string, (sbyte, string)>(StringComparer.Ordinal)
    {
        ["sasl.kerberos.min.time.before.relogin"] = (5, "60000"),
        ["sasl.kerberos.ticket.renew.jitter"] = (6, "0.05"),
        ["sasl.kerberos.ticket.renew.window.factor"] = (6, "0.8"),
    };

    /// <summary>True when <paramref name="name"/> may be altered on a BROKER resource.</summary>
    public static bool IsDynamic(string name) => LogDefaults.Contains(name) || ConnectionQuotas.Contains(name) || ReplicationThrottles.Contains(name) || Inert.ContainsKey(name);

    /// <summary>
    /// Null when <paramref name="configs"/> may be stored as a broker's (or the default's) dynamic configs, else
    /// Kafka's message (DynamicBrokerConfig.validateConfigs, then the value checks).
    /// </summary>
    public static string? Validate(IReadOnlyDictionary<string, string> configs)
    {
        var refused = configs.Keys.Where(k => !IsDynamic(k)).Order(StringComparer.Ordinal).ToList();
        if (refused.Count > 0) return $"Cannot update these configs dynamically: Set({string.Join(", ", refused)})";
        foreach (var (name, value) in configs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (Inert.TryGetValue(name, out var inert))
            {
                bool ok = inert.Type == 5 ? long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _)
                    : double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _);
                if (!ok) return $"Invalid value {value} for configuration {name}: Not a number of type {(inert.Type == 5 ? "LONG" : "DOUBLE")}";
                continue;
            }

            if (BrokerConfig.CheckValue(name, value) is { } error) return error;
        }

        return null;
    }
}
