using System.Text.Json;

namespace Broker.Cli.Tests.LogDirs;

/// <summary>
/// bin/log-dirs.sh against the shared two-broker cluster (broker 1 has two log dirs): Kafka 3.6's lines and JSON for
/// the same state (sizes read from the segment files on disk), the broker and topic filters, and its refusals.
/// </summary>
[TestFixture]
public sealed class LogDirsCommandTests
{
    private AdminCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await AdminCluster.GetAsync();

    [Test]
    public async Task Describe_OneBrokerOneTopic_PrintsKafkasLinesAndJson()
    {
        string topic = "logdirs-" + Guid.NewGuid().ToString("N")[..8];
        await AdminTopics.CreateAsync(_cluster.Bootstrap, topic, 1);
        await AdminTopics.ProduceAsync(_cluster.Bootstrap, topic, 0, ["a", "bb", "ccc"]);
        string hosting = _cluster.Broker1LogDirs.Single(d => Directory.Exists(Path.Combine(d, topic + "-0")));
        long size = Directory.GetFiles(Path.Combine(hosting, topic + "-0"), "*.log").Sum(f => new FileInfo(f).Length);

        var run = await AdminCluster.RunAsync("log-dirs.sh", "--describe", "--bootstrap-server", _cluster.Bootstrap,
            "--broker-list", "1", "--topic-list", topic);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        var lines = run.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.That(lines[..2], Is.EqualTo(new[]
        {
            "Querying brokers for log directories information",
            "Received log directory information from brokers 1",
        }));
        string Dir(string d) => d == hosting
            ? $"{{\"partitions\":[{{\"partition\":\"{topic}-0\",\"size\":{size},\"offsetLag\":0,\"isFuture\":false}}],\"error\":null,\"logDir\":\"{d}\"}}"
            : $"{{\"partitions\":[],\"error\":null,\"logDir\":\"{d}\"}}";
        // Both orders of the two dirs are Kafka's for some path hashes; the dirs' order is checked by JavaHashOrderTests.
        var expected = new[] { _cluster.Broker1LogDirs, _cluster.Broker1LogDirs.Reverse().ToArray() }
            .Select(dirs => $"{{\"brokers\":[{{\"broker\":1,\"logDirs\":[{string.Join(",", dirs.Select(Dir))}]}}],\"version\":1}}");
        Assert.That(expected, Does.Contain(lines[2]), "Kafka's JSON, key order included");
        Assert.That(lines, Has.Length.EqualTo(3));
    }

    [Test]
    public async Task Describe_AllBrokers_ListsEveryBrokerAndDir()
    {
        var run = await AdminCluster.RunAsync("log-dirs.sh", "--describe", "--bootstrap-server", _cluster.Bootstrap);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        var lines = run.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.That(lines[1], Is.EqualTo("Received log directory information from brokers 1,2"));
        using var json = JsonDocument.Parse(lines[2]);
        var brokers = json.RootElement.GetProperty("brokers").EnumerateArray()
            .ToDictionary(b => b.GetProperty("broker").GetInt32(), b => b.GetProperty("logDirs").EnumerateArray().Select(d => d.GetProperty("logDir").GetString()).ToList());
        Assert.That(brokers.Keys, Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(brokers[1], Is.EquivalentTo(_cluster.Broker1LogDirs));
        Assert.That(brokers[2], Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Describe_UnknownBroker_FailsWithKafkasMessage()
    {
        var run = await AdminCluster.RunAsync("log-dirs.sh", "--describe", "--bootstrap-server", _cluster.Bootstrap, "--broker-list", "1,7");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError.TrimEnd('\n'),
            Is.EqualTo("ERROR: The given brokers do not exist from --broker-list: 7. Current existent brokers: 1,2"));
        Assert.That(run.StandardOutput, Is.Empty);
    }

    [Test]
    public async Task MissingDescribe_FailsWithUsage()
    {
        var run = await AdminCluster.RunAsync("log-dirs.sh", "--bootstrap-server", _cluster.Bootstrap);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.StartWith("Missing required argument \"[describe]\"\n"));
    }
}
