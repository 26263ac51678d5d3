using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

public sealed class BrokerConfigValidationTests
{
    [TestCase("num.partitions=abc", "server.properties:1: num.partitions = 'abc' is not a valid int")]
    [TestCase("num.partitions=0", "server.properties:1: num.partitions = '0' must be at least 1")]
    [TestCase("num.partitions=99999999999", "server.properties:1: num.partitions = '99999999999' is not a valid int (must be between")]
    [TestCase("log.retention.bytes=1e9", "server.properties:1: log.retention.bytes = '1e9' is not a valid long")]
    [TestCase("auto.create.topics.enable=yes", "server.properties:1: auto.create.topics.enable = 'yes' is not a valid bool")]
    [TestCase("log.segment.bytes=13", "server.properties:1: log.segment.bytes = '13' must be at least 14")]
    [TestCase("broker.id=-2", "server.properties:1: broker.id = '-2' must be at least -1")]
    [TestCase("log.message.timestamp.type=Now", "server.properties:1: log.message.timestamp.type = 'Now' must be one of: CreateTime, LogAppendTime")]
    [TestCase("log.cleanup.policy=delete,shred", "server.properties:1: log.cleanup.policy = 'delete,shred' contains 'shred', which is not one of")]
    [TestCase("log.cleaner.min.cleanable.ratio=1.5", "server.properties:1: log.cleaner.min.cleanable.ratio = '1.5' must be between 0 and 1")]
    [TestCase("log.dirs= , ", "server.properties:1: log.dirs = ', ' must not be empty")]
    [TestCase("zookeeper.connect=localhost:abc", "server.properties:1: zookeeper.connect = 'localhost:abc' is invalid: 'localhost:abc' has a bad port")]
    [TestCase("zookeeper.connect=localhost:2181/kafka/", "is invalid: chroot '/kafka/' must not end with '/'")]
    [TestCase("zookeeper.connect=:2181", "has no host")]
    public void BadValue_ThrowsNamingFileLineKeyValueAndWhy(string text, string expected)
    {
        var e = BuildFails(text);
        Assert.That(e.Message, Does.Contain(expected));
        Assert.That(e.Message, Does.StartWith("server.properties:1: "));
    }

    [Test]
    public void BadValue_ReportsItsOwnLine()
    {
        var e = BuildFails("# comment\nbroker.id=1\n\nnum.partitions=abc\n");
        Assert.That(e.Message, Is.EqualTo("server.properties:4: num.partitions = 'abc' is not a valid int"));
        Assert.That((e.Key, e.Value, e.Location?.Line), Is.EqualTo(("num.partitions", "abc", 4)));
    }

    [Test]
    public void BadOverride_IsLocatedAtOverride()
    {
        var e = BuildFails("num.partitions=3", "num.partitions=many");
        Assert.That(e.Message, Is.EqualTo("--override: num.partitions = 'many' is not a valid int"));
    }

    [Test]
    public void SeveralBadValues_AreAllReportedInFileOrder()
    {
        var e = BuildFails("num.partitions=x\nbroker.id=y", "num.io.threads=0");
        Assert.That(e.Message.Split(Environment.NewLine), Is.EqualTo(new[]
        {
            "server.properties:1: num.partitions = 'x' is not a valid int",
            "server.properties:2: broker.id = 'y' is not a valid int",
            "--override: num.io.threads = '0' must be at least 1",
        }));
    }

    [Test]
    public void GuideInlineComment_ValueAcceptedWithWarning()
    {
        var config = Build("broker.id=0\n\nlog.retention.hours=168 # 7 days", out var warnings);
        Assert.That(config.LogRetentionMs, Is.EqualTo(168L * 3_600_000));
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.StartWith("server.properties:3: log.retention.hours = '168 # 7 days'"));
        Assert.That(warnings[0], Does.Contain("'#' only starts a comment at the beginning of a line"));
    }

    [TestCase("auto.create.topics.enable=false # no surprises", "auto.create.topics.enable")]
    [TestCase("log.retention.bytes=1073741824\t# 1GB", "log.retention.bytes")]
    [TestCase("log.cleaner.min.cleanable.ratio=0.1 #", "log.cleaner.min.cleanable.ratio")]
    public void InlineCommentAfterScalar_IsForgivenWithWarning(string text, string key)
    {
        Build(text, out var warnings);
        Assert.That(warnings.Single(), Does.StartWith($"server.properties:1: {key} = '"));
    }

    [Test]
    public void InlineCommentAfterInvalidValue_StillFailsWithHint()
    {
        var e = BuildFails("num.partitions=0 # none");
        Assert.That(e.Message, Does.StartWith("server.properties:1: num.partitions = '0 # none' must be at least 1"));
        Assert.That(e.Message, Does.Contain("'#' only starts a comment at the beginning of a line"));
    }

    [Test]
    public void InlineCommentAfterListener_FailsWithHint()
    {
        var e = BuildFails("listeners=PLAINTEXT://localhost:9092 # main");
        Assert.That(e.Message, Does.StartWith("server.properties:1: listeners = 'PLAINTEXT://localhost:9092 # main' is invalid"));
        Assert.That(e.Message, Does.Contain("'#' only starts a comment"));
    }

    [Test]
    public void UnknownKey_WarnsWithClosestKnownKey()
    {
        Build("broker.id=1\n\n\n\n\n\nnum.partition=3", out var warnings);
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "server.properties:7: unknown setting 'num.partition' (did you mean 'num.partitions'?)",
        }));
    }

    [TestCase("zookeper.connect", "zookeeper.connect")]
    [TestCase("log.retention.hour", "log.retention.hours")]
    [TestCase("LOG.DIRS", "log.dirs")]
    [TestCase("advertised.listener", "advertised.listeners")]
    public void UnknownKey_SuggestsNearestByEditDistance(string typo, string suggestion) =>
        Assert.That(BrokerConfigDef.SuggestKey(typo), Is.EqualTo(suggestion));

    [Test]
    public void UnknownKey_FarFromEverything_IsIgnoredWithoutSuggestion()
    {
        Build("metric.reporters.custom.thing=x", out var warnings);
        Assert.That(warnings, Is.EqualTo(new[] { "server.properties:1: unknown setting 'metric.reporters.custom.thing' (ignored)" }));
    }

    [TestCase("broker.rack=\"rack-1\"")]
    [TestCase("broker.rack=\u201Crack-1\u201D")]
    public void QuotedStringValue_WarnsThatQuotesAreKept(string text)
    {
        var config = Build(text, out var warnings);
        Assert.That(config.BrokerRack, Does.Contain("rack-1").And.Length.EqualTo(8));
        Assert.That(warnings.Single(), Does.Contain("quotes are not special"));
    }
}
