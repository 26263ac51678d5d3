using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

/// <summary>
/// max.connections.per.ip=0 admits nobody unless max.connections.per.ip.overrides lists addresses: Kafka refuses the
/// setting alone at start-up (KafkaConfig's "can be set to zero only if ... overrides property is set").
/// </summary>
public sealed class BrokerConfigConnectionLimitsTests
{
    [Test]
    public void ZeroPerIp_WithoutOverrides_IsRefused_AtItsLine()
    {
        var e = BuildFails("broker.id=1\nmax.connections.per.ip=0");
        Assert.That(e.Message, Is.EqualTo(
            "server.properties:2: max.connections.per.ip = '0' can be set to zero only if max.connections.per.ip.overrides is set"));
        Assert.That((e.Key, e.Location?.Line), Is.EqualTo(("max.connections.per.ip", 2)));
    }

    [Test]
    public void ZeroPerIp_AsOverride_WithoutOverrides_IsRefused() =>
        Assert.That(BuildFails("broker.id=1", "max.connections.per.ip=0").Message, Does.StartWith("--override: max.connections.per.ip = '0' can be set to zero only if"));

    [Test]
    public void ZeroPerIp_WithOverrides_IsAccepted()
    {
        var config = Build("max.connections.per.ip=0\nmax.connections.per.ip.overrides=127.0.0.1:10", out _);
        Assert.That(config.MaxConnectionsPerIp, Is.EqualTo(0));
        Assert.That(config.MaxConnectionsPerIpOverrides, Is.EqualTo(new[] { ("127.0.0.1", 10) }));
    }
}
