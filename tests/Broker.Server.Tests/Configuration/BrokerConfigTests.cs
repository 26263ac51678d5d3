using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

public sealed class BrokerConfigTests
{
    [Test]
    public void EmptyFile_GivesTableDefaults()
    {
        var config = Build("");
        Assert.Multiple(() =>
        {
            Assert.That(config.BrokerId, Is.EqualTo(-1));
            Assert.That(config.Listeners, Is.EqualTo(new[] { new ListenerEndpoint("PLAINTEXT", "", 9092) }));
            Assert.That(config.AdvertisedListeners, Is.EqualTo(config.Listeners));
            Assert.That(config.LogDirs, Is.EqualTo(new[] { "/tmp/kafka-logs" }));
            Assert.That(config.NumPartitions, Is.EqualTo(1));
            Assert.That(config.DefaultReplicationFactor, Is.EqualTo(1));
            Assert.That(config.MinInsyncReplicas, Is.EqualTo(1));
            Assert.That(config.AutoCreateTopicsEnable, Is.True);
            Assert.That(config.LogSegmentBytes, Is.EqualTo(1073741824));
            Assert.That(config.LogRollMs, Is.EqualTo(168L * 3_600_000));
            Assert.That(config.LogRetentionMs, Is.EqualTo(168L * 3_600_000));
            Assert.That(config.LogRetentionBytes, Is.EqualTo(-1));
            Assert.That(config.LogRetentionCheckIntervalMs, Is.EqualTo(300000));
            Assert.That(config.LogFlushIntervalMessages, Is.EqualTo(long.MaxValue));
            Assert.That(config.LogFlushIntervalMs, Is.Null);
            Assert.That(config.LogIndexIntervalBytes, Is.EqualTo(4096));
            Assert.That(config.MessageMaxBytes, Is.EqualTo(1048588));
            Assert.That(config.SocketRequestMaxBytes, Is.EqualTo(104857600));
            Assert.That(config.ZookeeperConnect, Is.Null);
            Assert.That(config.ZookeeperSessionTimeoutMs, Is.EqualTo(18000));
            Assert.That(config.ZookeeperConnectionTimeoutMs, Is.EqualTo(18000));
            Assert.That(config.OffsetsTopicNumPartitions, Is.EqualTo(50));
            Assert.That(config.OffsetsTopicReplicationFactor, Is.EqualTo(3));
            Assert.That(config.OffsetsRetentionMs, Is.EqualTo(10080L * 60_000));
            Assert.That(config.GroupInitialRebalanceDelayMs, Is.EqualTo(3000));
            Assert.That(config.ReplicaLagTimeMaxMs, Is.EqualTo(30000));
            Assert.That(config.UncleanLeaderElectionEnable, Is.False);
            Assert.That(config.AutoLeaderRebalanceEnable, Is.True);
            Assert.That(config.DeleteTopicEnable, Is.True);
            Assert.That(config.CompressionType, Is.EqualTo("producer"));
            Assert.That(config.BrokerRack, Is.Null);
            Assert.That(config.InterBrokerListenerName, Is.EqualTo("PLAINTEXT"));
        });
    }

    [Test]
    public void EveryTypedProperty_CanBeReadFromDefaults()
    {
        var config = Build("");
        foreach (var property in typeof(BrokerConfig).GetProperties())
            Assert.DoesNotThrow(() => property.GetValue(config), property.Name);
    }

    [Test]
    public void Source_ReportsDefaultFileLineOrOverride()
    {
        var config = Build("# c\nnum.partitions=3\nbroker.id=1\n", "broker.id=7");
        Assert.Multiple(() =>
        {
            Assert.That(config.Source("num.partitions").ToString(), Is.EqualTo("server.properties:2"));
            Assert.That(config.Source("num.partitions").Kind, Is.EqualTo(ConfigSourceKind.File));
            Assert.That(config.Source("broker.id").ToString(), Is.EqualTo("--override"));
            Assert.That(config.Source("log.segment.bytes").ToString(), Is.EqualTo("default"));
            Assert.That(config.IsSet("num.partitions"), Is.True);
            Assert.That(config.IsSet("log.segment.bytes"), Is.False);
        });
    }

    [Test]
    public void Override_WinsOverFile_EvenWhenGivenFirst()
    {
        var entries = new[] { PropertiesFile.ParseOverride("num.partitions=9") }
            .Concat(PropertiesFile.Parse("num.partitions=3", "server.properties"));
        var config = BrokerConfig.FromEntries(entries, out var warnings);
        Assert.That(config.NumPartitions, Is.EqualTo(9));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void Override_WinsOverFile()
    {
        var config = Build("num.partitions=3\nbroker.id=1", "num.partitions=12");
        Assert.That(config.NumPartitions, Is.EqualTo(12));
        Assert.That(config.BrokerId, Is.EqualTo(1));
    }

    [Test]
    public void DuplicateKeyInFile_LastWinsWithWarning()
    {
        var config = Build("num.partitions=3\nnum.partitions=4", out var warnings);
        Assert.That(config.NumPartitions, Is.EqualTo(4));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "server.properties:2: num.partitions is set again (first at server.properties:1); the last value wins",
        }));
    }

    [TestCase("", 168L * 3_600_000)]
    [TestCase("log.retention.hours=1", 3_600_000L)]
    [TestCase("log.retention.hours=1\nlog.retention.minutes=5", 300_000L)]
    [TestCase("log.retention.minutes=5\nlog.retention.hours=1", 300_000L)]
    [TestCase("log.retention.hours=1\nlog.retention.minutes=5\nlog.retention.ms=42", 42L)]
    [TestCase("log.retention.ms=42\nlog.retention.hours=1", 42L)]
    [TestCase("log.retention.hours=-1", -1L)]
    [TestCase("log.retention.minutes=-1\nlog.retention.hours=5", -1L)]
    [TestCase("log.retention.ms=-1\nlog.retention.minutes=5", -1L)]
    public void LogRetentionMs_MsWinsOverMinutesOverHours(string text, long expected) =>
        Assert.That(Build(text).LogRetentionMs, Is.EqualTo(expected));

    [Test]
    public void LogRetentionMs_OverrideOfHours_LosesToMsInFile() =>
        Assert.That(Build("log.retention.ms=1000", "log.retention.hours=1").LogRetentionMs, Is.EqualTo(1000));

    [TestCase("", 168L * 3_600_000)]
    [TestCase("log.roll.hours=2", 7_200_000L)]
    [TestCase("log.roll.hours=2\nlog.roll.ms=500", 500L)]
    public void LogRollMs_MsWinsOverHours(string text, long expected) =>
        Assert.That(Build(text).LogRollMs, Is.EqualTo(expected));

    [Test]
    public void LogDirs_WinsOverLogDir()
    {
        Assert.That(Build("log.dir=/data/one").LogDirs, Is.EqualTo(new[] { "/data/one" }));
        Assert.That(Build("log.dir=/data/one\nlog.dirs=/d/a, /d/b").LogDirs, Is.EqualTo(new[] { "/d/a", "/d/b" }));
    }

    [Test]
    public void ZookeeperConnectionTimeout_DefaultsToSessionTimeout()
    {
        Assert.That(Build("zookeeper.session.timeout.ms=9000").ZookeeperConnectionTimeoutMs, Is.EqualTo(9000));
        Assert.That(Build("zookeeper.connection.timeout.ms=6000").ZookeeperConnectionTimeoutMs, Is.EqualTo(6000));
    }

    [Test]
    public void Values_AreTrimmedAndTyped()
    {
        var config = Build("num.partitions =  7  \nauto.create.topics.enable=FALSE \nlog.cleaner.min.cleanable.ratio=0.25");
        Assert.That(config.NumPartitions, Is.EqualTo(7));
        Assert.That(config.AutoCreateTopicsEnable, Is.False);
        Assert.That(config.LogCleanerMinCleanableRatio, Is.EqualTo(0.25));
    }

    [Test]
    public void Get_ReturnsRawTypedValue_AndGetStringItsKafkaText()
    {
        var config = Build("log.dirs=/a , /b\nnum.partitions=3\nlog.retention.hours=5");
        Assert.Multiple(() =>
        {
            Assert.That(config.Get("num.partitions"), Is.EqualTo(3));
            Assert.That(config.Get("log.dirs"), Is.EqualTo(new[] { "/a", "/b" }));
            Assert.That(config.GetString("log.dirs"), Is.EqualTo("/a,/b"));
            Assert.That(config.Get("log.retention.ms"), Is.Null);
            Assert.That(config.GetString("log.retention.hours"), Is.EqualTo("5"));
            Assert.That(config.GetString("unclean.leader.election.enable"), Is.EqualTo("false"));
        });
    }

    [Test]
    public void Password_IsTypedButNeverRendered()
    {
        var config = Build("ssl.keystore.password= s3cret ");
        Assert.That(config.SslKeystorePassword!.Value, Is.EqualTo("s3cret "));
        Assert.That(config.SslKeystorePassword.ToString(), Is.EqualTo("[hidden]"));
        Assert.That(config.GetString("ssl.keystore.password"), Is.Null);
    }

    [Test]
    public void Get_UnknownName_ThrowsWithSuggestion()
    {
        var config = Build("");
        var e = Assert.Throws<ArgumentException>(() => config.Get("num.partition"));
        Assert.That(e!.Message, Does.Contain("did you mean 'num.partitions'?"));
    }

    [Test]
    public void Load_ReadsFileAndOverrides()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broker-config-{Guid.NewGuid():N}.properties");
        try
        {
            File.WriteAllText(path, "broker.id=4\nnum.partitions=2\n");
            var config = BrokerConfig.Load(path, ["num.partitions=6"], out var warnings);
            Assert.That(warnings, Is.Empty);
            Assert.That((config.BrokerId, config.NumPartitions), Is.EqualTo((4, 6)));
            Assert.That(config.Source("broker.id").ToString(), Is.EqualTo($"{path}:1"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Load_MissingFile_ThrowsConfigException()
    {
        var e = Assert.Throws<ConfigException>(() => BrokerConfig.Load("/nonexistent/server.properties", [], out _));
        Assert.That(e!.Message, Is.EqualTo("/nonexistent/server.properties: file not found"));
    }
}
