using Broker.Server.Configuration;

namespace Broker.Server.Tests.Configuration;

public sealed class ListenerEndpointTests
{
    [TestCase("PLAINTEXT://:9092", "PLAINTEXT", "", 9092)]
    [TestCase("PLAINTEXT://0.0.0.0:9092", "PLAINTEXT", "0.0.0.0", 9092)]
    [TestCase("PLAINTEXT://localhost:9093", "PLAINTEXT", "localhost", 9093)]
    [TestCase("SSL://[::1]:9094", "SSL", "::1", 9094)]
    [TestCase("internal://broker-1.example.com:0", "INTERNAL", "broker-1.example.com", 0)]
    [TestCase("  EXTERNAL_2://10.0.0.5:65535 ", "EXTERNAL_2", "10.0.0.5", 65535)]
    public void Parse_ValidListener_GivesNameHostPort(string text, string name, string host, int port) =>
        Assert.That(ListenerEndpoint.Parse(text), Is.EqualTo(new ListenerEndpoint(name, host, port)));

    [TestCase("localhost:9092", "expected NAME://host:port")]
    [TestCase("://localhost:9092", "bad listener name")]
    [TestCase("PLAIN TEXT://localhost:9092", "bad listener name")]
    [TestCase("PLAINTEXT://localhost", "has no port")]
    [TestCase("PLAINTEXT://localhost:", "bad port")]
    [TestCase("PLAINTEXT://localhost:http", "bad port")]
    [TestCase("PLAINTEXT://localhost:70000", "bad port")]
    [TestCase("PLAINTEXT://localhost:-1", "bad port")]
    [TestCase("PLAINTEXT://::1:9092", "without brackets")]
    [TestCase("PLAINTEXT://[::1:9092", "bad IPv6 host")]
    [TestCase("PLAINTEXT://[127.0.0.1]:9092", "bad IPv6 host")]
    [TestCase("PLAINTEXT://local/host:9092", "bad host name")]
    public void TryParse_Invalid_ExplainsWhy(string text, string why)
    {
        Assert.That(ListenerEndpoint.TryParse(text, out var endpoint, out var error), Is.False);
        Assert.That(endpoint, Is.Null);
        Assert.That(error, Does.Contain(why));
    }

    [TestCase("PLAINTEXT://:9092", true)]
    [TestCase("PLAINTEXT://0.0.0.0:9092", true)]
    [TestCase("PLAINTEXT://[::]:9092", true)]
    [TestCase("PLAINTEXT://localhost:9092", false)]
    public void IsWildcard_MatchesAllInterfaceHosts(string text, bool wildcard) =>
        Assert.That(ListenerEndpoint.Parse(text).IsWildcard, Is.EqualTo(wildcard));

    [TestCase("PLAINTEXT://:9092")]
    [TestCase("SSL://[::1]:9094")]
    [TestCase("PLAINTEXT://localhost:9092")]
    public void ToString_RoundTrips(string text) =>
        Assert.That(ListenerEndpoint.Parse(text).ToString(), Is.EqualTo(text));
}
