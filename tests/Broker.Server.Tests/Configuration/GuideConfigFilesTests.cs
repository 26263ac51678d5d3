using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

/// <summary>The config files of the deployment guide must load as written.</summary>
public sealed class GuideConfigFilesTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() =>
        _directory = Directory.CreateTempSubdirectory("broker-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void GuideServerProperties_LoadsWithInlineCommentWarnings()
    {
        var path = Write("server.properties", GuideServerProperties);
        var config = BrokerConfig.Load(path, [], out var warnings);
        Assert.Multiple(() =>
        {
            Assert.That(config.BrokerId, Is.EqualTo(0));
            Assert.That(config.Listeners, Is.EqualTo(new[] { new ListenerEndpoint("PLAINTEXT", "localhost", 9092) }));
            Assert.That(config.LogDirs, Is.EqualTo(new[] { "/tmp/kafka-logs" }));
            Assert.That(config.ZookeeperConnect, Is.EqualTo("localhost:2181"));
            Assert.That(config.NumPartitions, Is.EqualTo(3));
            Assert.That(config.LogRetentionMs, Is.EqualTo(168L * 3_600_000));
            Assert.That(config.LogSegmentBytes, Is.EqualTo(1073741824));
            Assert.That(warnings, Has.Count.EqualTo(2));
            Assert.That(warnings[0], Does.StartWith($"{path}:15: log.retention.hours = '168 # 7 days'"));
            Assert.That(warnings[1], Does.StartWith($"{path}:16: log.segment.bytes = '1073741824 # 1GB'"));
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void GuideClusterProperties_LoadWithoutWarnings(int n)
    {
        var path = Write($"server-{n}.properties", GuideClusterProperties(n));
        var config = BrokerConfig.Load(path, [], out var warnings);
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Is.Empty);
            Assert.That(config.BrokerId, Is.EqualTo(n));
            Assert.That(config.Listeners, Is.EqualTo(new[] { new ListenerEndpoint("PLAINTEXT", "localhost", 9091 + n) }));
            Assert.That(config.AdvertisedListeners, Is.EqualTo(config.Listeners));
            Assert.That(config.LogDirs, Is.EqualTo(new[] { $"/tmp/kafka-logs-{n}" }));
            Assert.That(config.ZookeeperConnect, Is.EqualTo("localhost:2181"));
            Assert.That(config.Source("broker.id").ToString(), Is.EqualTo($"{path}:1"));
        });
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
