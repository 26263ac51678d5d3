namespace Broker.Server.Configuration;

public sealed partial class BrokerConfig
{
    /// <summary>
    /// Checks between the connection-limit settings: max.connections.per.ip=0 admits nobody unless
    /// max.connections.per.ip.overrides lists addresses, so Kafka refuses it alone at start-up, and so do we.
    /// </summary>
    /// <exception cref="ConfigException">max.connections.per.ip is 0 and there are no overrides.</exception>
    private void ValidateConnectionLimits()
    {
        var perIp = Setting("max.connections.per.ip");
        if (perIp.Value is 0 && MaxConnectionsPerIpOverrides.Count == 0)
            throw Invalid(perIp, "can be set to zero only if max.connections.per.ip.overrides is set");
    }
}
