using Broker.Server.Metrics;

namespace Broker.Server.Configuration;

public sealed partial class BrokerConfig
{
    /// <summary><c>metrics.listener</c>, parsed (validated at load); null when unset.</summary>
    public MetricsEndpoint? MetricsListener => (string?)Get("metrics.listener") is { Length: > 0 } s ? MetricsEndpoint.TryParse(s, out _) : null;
}
