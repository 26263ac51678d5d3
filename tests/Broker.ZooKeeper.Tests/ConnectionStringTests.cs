namespace Broker.ZooKeeper.Tests;

public sealed class ConnectionStringTests
{
    [Test]
    public void Parse_HostsPortsAndChroot()
    {
        var parsed = ConnectionString.Parse("h1:2182, h2 ,10.0.0.3:3000/kafka/");

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Hosts.Select(h => $"{h.Host}:{h.Port}"), Is.EqualTo(new[] { "h1:2182", "h2:2181", "10.0.0.3:3000" }));
            Assert.That(parsed.Chroot, Is.EqualTo("/kafka"));
        });
    }

    [Test]
    public void Parse_WithoutChroot_HasEmptyChroot() =>
        Assert.That(ConnectionString.Parse("localhost:2181").Chroot, Is.Empty);

    [TestCase("")]
    [TestCase("/chroot")]
    [TestCase("host:notaport")]
    public void Parse_Invalid_Throws(string connectString) =>
        Assert.Throws<ArgumentException>(() => ConnectionString.Parse(connectString));
}
