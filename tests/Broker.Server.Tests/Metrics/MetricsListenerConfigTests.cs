using Broker.Server.Configuration;
using Broker.Server.Metrics;

namespace Broker.Server.Tests.Metrics;

/// <summary><c>metrics.listener</c>: http://HOST:PORT or nothing; anything else refused at load with file:line.</summary>
[TestFixture]
public sealed class MetricsListenerConfigTests
{
    [TestCase("http://localhost:9404", "localhost", 9404, "127.0.0.1")]
    [TestCase("http://0.0.0.0:9405/", "0.0.0.0", 9405, "::")]
    [TestCase("http://127.0.0.1:1", "127.0.0.1", 1, "127.0.0.1")]
    [TestCase("http://[::1]:9406", "[::1]", 9406, "::1")]
    public void Valid(string value, string host, int port, string bindAddress)
    {
        var endpoint = MetricsEndpoint.TryParse(value, out var error);
        Assert.That(error, Is.Null);
        Assert.That(endpoint, Is.EqualTo(new MetricsEndpoint(host, port)));
        Assert.That(endpoint!.BindAddress().ToString(), Is.EqualTo(bindAddress));
    }

    [TestCase("localhost:9404", "must be http://HOST:PORT")]
    [TestCase("https://localhost:9404", "must be http://HOST:PORT")]
    [TestCase("http://localhost", "must name a port")]
    [TestCase("http://localhost:0", "must name a port")]
    [TestCase("http://localhost:9404/metrics", "without a path")]
    public void Invalid(string value, string reason)
    {
        Assert.That(MetricsEndpoint.TryParse(value, out var error), Is.Null);
        Assert.That(error, Does.Contain(reason));
    }

    [Test]
    public void Load_RefusesABadListener_WithFileAndLine()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"metrics-config-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "server.properties");
            File.WriteAllLines(path, ["broker.id=1", "metrics.listener=localhost:9404"]);
            var e = Assert.Throws<ConfigException>(() => BrokerConfig.Load(path, [], out _));
            Assert.That(e!.Message, Does.Contain("server.properties:2: metrics.listener").And.Contain("must be http://HOST:PORT"));
            Assert.That(BrokerConfig.Load(path, ["metrics.listener=http://localhost:9404"], out _).MetricsListener, Is.EqualTo(new MetricsEndpoint("localhost", 9404)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
