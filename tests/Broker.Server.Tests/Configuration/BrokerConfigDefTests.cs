using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

public sealed class BrokerConfigDefTests
{
    [Test]
    public void Names_AreUniqueAndLowerCase()
    {
        var names = BrokerConfigDef.All.Select(k => k.Name).ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Has.All.Matches<string>(n => n == n.ToLowerInvariant() && !n.Contains(' ')));
    }

    [Test]
    public void EveryRow_HasDocAndSection() =>
        Assert.That(BrokerConfigDef.All, Has.All.Matches<ConfigKey>(k => k.Doc.Length > 10 && k.Group.Length > 0));

    [Test]
    public void EveryDefault_SourcesAsDefault()
    {
        var config = Build("");
        foreach (var key in BrokerConfigDef.All)
        {
            Assert.That(config.Source(key.Name), Is.EqualTo(ConfigSource.Default), key.Name);
            Assert.That(config.GetString(key.Name), Is.EqualTo(key.IsSensitive ? null : key.Default), key.Name);
        }
    }

    [TestCase("broker.id", ConfigType.Int, "-1")]
    [TestCase("listeners", ConfigType.List, "PLAINTEXT://:9092")]
    [TestCase("advertised.listeners", ConfigType.List, null)]
    [TestCase("log.dir", ConfigType.String, "/tmp/kafka-logs")]
    [TestCase("log.roll.ms", ConfigType.Long, null)]
    [TestCase("log.flush.interval.messages", ConfigType.Long, "9223372036854775807")]
    [TestCase("zookeeper.connect", ConfigType.String, null)]
    [TestCase("offsets.retention.minutes", ConfigType.Int, "10080")]
    [TestCase("ssl.keystore.password", ConfigType.Password, null)]
    public void Table_HasExpectedTypeAndDefault(string name, ConfigType type, string? @default)
    {
        Assert.That(BrokerConfigDef.TryFind(name, out var key), Is.True);
        Assert.That((key!.Type, key.Default), Is.EqualTo((type, @default)));
    }

    [Test]
    public void StockKafkaServerProperties_LoadsWithoutWarnings()
    {
        var config = Build(StockKafkaServerProperties);
        Assert.That(config.LogFlushIntervalMs, Is.EqualTo(1000));
        Assert.That(config.GroupInitialRebalanceDelayMs, Is.EqualTo(0));
    }

    [Test]
    public void ConfigurationDocIsUpToDate()
    {
        var path = Path.Combine(FindRepositoryRoot(), "docs", "configuration.md");
        var fresh = BrokerConfigDef.RenderMarkdown();
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, fresh);
            Assert.Pass($"Wrote {path}");
        }

        var checkedIn = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        Assert.That(checkedIn, Is.EqualTo(fresh),
            $"docs/configuration.md is out of date with BrokerConfigDef. Regenerate it with: {BrokerConfigDef.RegenerateDocsCommand}");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Broker.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Broker.sln not found above the test directory");
    }
}
