using Broker.Server.Metrics;
using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static IEnumerable<ConfigKey> MetricsSettings() =>
    [
        Str("metrics.listener", null, Custom("http://HOST:PORT", v => v is string s ? (MetricsEndpoint.TryParse(s, out var e) is null ? e : null) : null), Medium,
            "Where the broker serves Prometheus metrics (/metrics) and its health (/health/live, /health/ready), for example " +
            "http://localhost:9404; 0.0.0.0 listens on every interface. Unset: no endpoint (ours; Kafka exposes JMX instead). " +
            "Metric names follow the Prometheus JMX exporter's Kafka rules; see docs/ARCHITECTURE.md, Metrics."),
    ];
}
