using System.Text.RegularExpressions;

namespace Broker.Cli.Tests.Topics;

/// <summary>Golden output of bin/topics.sh against a real broker, compared byte for byte (the random topic id masked).</summary>
[TestFixture]
public sealed class TopicsCommandTests : CliFixture
{
    [Test]
    public async Task Create_AsTheGuideWritesIt_PrintsCreatedTopic()
    {
        string topic = UniqueTopic("create");
        var run = await Topics("--create", "--topic", topic, "--bootstrap-server", Bootstrap, "--partitions", "3", "--replication-factor", "1");
        Assert.That(run.StandardOutput, Is.EqualTo($"Created topic {topic}.\n"), run.StandardError);
        Assert.That(run.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Describe_ThreePartitionsWithOverride_PrintsKafkasLayout()
    {
        string topic = UniqueTopic("describe");
        await Topics("--create", "--topic", topic, "--bootstrap-server", Bootstrap, "--partitions", "3", "--replication-factor", "1",
            "--config", "retention.ms=86400000");

        var run = await Topics("--describe", "--topic", topic, "--bootstrap-server", Bootstrap);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(MaskTopicId(run.StandardOutput), Is.EqualTo(
            $"Topic: {topic}\tTopicId: <id>\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=86400000\n" +
            $"\tTopic: {topic}\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0\n" +
            $"\tTopic: {topic}\tPartition: 1\tLeader: 0\tReplicas: 0\tIsr: 0\n" +
            $"\tTopic: {topic}\tPartition: 2\tLeader: 0\tReplicas: 0\tIsr: 0\n"));
    }

    [Test]
    public async Task DescribeAndList_RegexTopicAndFilters_SelectMatchingTopics()
    {
        string prefix = UniqueTopic("rx");
        await Topics("--create", "--topic", prefix + "-a", "--bootstrap-server", Bootstrap, "--config", "segment.ms=600000");
        await Topics("--create", "--topic", prefix + "-b", "--bootstrap-server", Bootstrap);

        var list = await Topics("--list", "--topic", prefix + "-.*", "--bootstrap-server", Bootstrap);
        Assert.That(list.StandardOutput, Is.EqualTo($"{prefix}-a\n{prefix}-b\n"));

        var overrides = await Topics("--describe", "--topic", prefix + ".*", "--topics-with-overrides", "--bootstrap-server", Bootstrap);
        Assert.That(MaskTopicId(overrides.StandardOutput), Is.EqualTo(
            $"Topic: {prefix}-a\tTopicId: <id>\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: segment.ms=600000\n"));

        var underReplicated = await Topics("--describe", "--topic", prefix + ".*", "--under-replicated-partitions", "--bootstrap-server", Bootstrap);
        Assert.That(underReplicated.StandardOutput, Is.Empty);
        Assert.That(underReplicated.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task AlterPartitions_GrowsTopicSilently_AndShrinkingFails()
    {
        string topic = UniqueTopic("alter");
        await Topics("--create", "--topic", topic, "--bootstrap-server", Bootstrap, "--partitions", "2");

        var grow = await Topics("--alter", "--topic", topic, "--partitions", "4", "--bootstrap-server", Bootstrap);
        Assert.That((grow.ExitCode, grow.StandardOutput), Is.EqualTo((0, "")), grow.StandardError);
        var describe = await Topics("--describe", "--topic", topic, "--bootstrap-server", Bootstrap);
        Assert.That(describe.StandardOutput, Does.Contain("\tPartitionCount: 4\t"));

        var shrink = await Topics("--alter", "--topic", topic, "--partitions", "1", "--bootstrap-server", Bootstrap);
        Assert.That(shrink.ExitCode, Is.EqualTo(1));
        Assert.That(shrink.StandardOutput, Is.EqualTo(
            "Error while executing topic command : Topic currently has 4 partitions, which is higher than the requested 1.\n"));
    }

    [Test]
    public async Task Delete_RemovesTopicSilently_AndListNoLongerShowsIt()
    {
        string topic = UniqueTopic("delete");
        await Topics("--create", "--topic", topic, "--bootstrap-server", Bootstrap);

        var delete = await Topics("--delete", "--topic", topic, "--bootstrap-server", Bootstrap);
        Assert.That((delete.ExitCode, delete.StandardOutput), Is.EqualTo((0, "")), delete.StandardError);
        var list = await Topics("--list", "--bootstrap-server", Bootstrap);
        Assert.That(list.StandardOutput.Split('\n'), Does.Not.Contain(topic));
    }

    [Test]
    public async Task Errors_PrintOneLineNamingTheProblem_AndExitOne()
    {
        string topic = UniqueTopic("errors");
        await Topics("--create", "--topic", topic, "--bootstrap-server", Bootstrap);

        var exists = await Topics("--create", "--topic", topic, "--bootstrap-server", Bootstrap);
        Assert.That((exists.ExitCode, exists.StandardOutput), Is.EqualTo((1, $"Error while executing topic command : Topic '{topic}' already exists.\n")));

        var ifNotExists = await Topics("--create", "--topic", topic, "--if-not-exists", "--bootstrap-server", Bootstrap);
        Assert.That((ifNotExists.ExitCode, ifNotExists.StandardOutput), Is.EqualTo((0, "")));

        var missing = await Topics("--delete", "--topic", "no-such-topic", "--bootstrap-server", Bootstrap);
        Assert.That((missing.ExitCode, missing.StandardOutput),
            Is.EqualTo((1, "Error while executing topic command : Topic 'no-such-topic' does not exist as expected\n")));

        var ifExists = await Topics("--delete", "--topic", "no-such-topic", "--if-exists", "--bootstrap-server", Bootstrap);
        Assert.That((ifExists.ExitCode, ifExists.StandardOutput), Is.EqualTo((0, "")));

        var badConfig = await Topics("--create", "--topic", UniqueTopic("bad"), "--config", "retention.ms=soon", "--bootstrap-server", Bootstrap);
        Assert.That((badConfig.ExitCode, badConfig.StandardOutput), Is.EqualTo((1,
            "Error while executing topic command : Invalid value soon for configuration retention.ms: Not a number of type LONG\n")));

        var zero = await Topics("--create", "--topic", UniqueTopic("zero"), "--partitions", "0", "--bootstrap-server", Bootstrap);
        Assert.That((zero.ExitCode, zero.StandardOutput), Is.EqualTo((1, "Error while executing topic command : The partitions must be greater than 0\n")));
    }

    [Test]
    public async Task UsageErrors_PrintMessageAndUsageOnStderr_AndExitOne()
    {
        var none = await Topics();
        Assert.That(none.ExitCode, Is.EqualTo(1));
        Assert.That(none.StandardError, Does.StartWith("Create, delete, describe, or change a topic.\n"));

        var twoActions = await Topics("--list", "--create", "--bootstrap-server", Bootstrap);
        Assert.That(twoActions.ExitCode, Is.EqualTo(1));
        Assert.That(twoActions.StandardError, Does.StartWith("Command must include exactly one action: --list, --describe, --create, --alter or --delete\n"));
        Assert.That(twoActions.StandardError, Does.Contain("--bootstrap-server <String: server to connect to>"));

        var help = await Topics("--help");
        Assert.That((help.ExitCode, help.StandardOutput.Contains("--replica-assignment")), Is.EqualTo((0, true)));
    }

    private Task<TestKit.ProcessResult> Topics(params string[] args) => RunScriptAsync("topics.sh", args);

    private static string MaskTopicId(string output) => Regex.Replace(output, @"TopicId: [A-Za-z0-9_-]{22}", "TopicId: <id>");

    [Test]
    public async Task CommandConfig_WithAJksTrustStore_FailsWithOneLine_NotAnUnhandledException()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cc-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string jks = Path.Combine(dir, "trust.jks");
            File.WriteAllBytes(jks, [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]);
            string config = Path.Combine(dir, "client.properties");
            File.WriteAllText(config, $"security.protocol=SSL\nssl.truststore.type=JKS\nssl.truststore.location={jks}\nssl.truststore.password=x\n");
            var run = await RunScriptAsync("topics.sh", ["--bootstrap-server", Bootstrap, "--list", "--command-config", config]);
            Assert.That(run.ExitCode, Is.Not.EqualTo(0));
            Assert.That(run.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), run.StandardError);
            Assert.That(run.StandardError, Does.StartWith("Error: ssl.truststore.location=").And.Contain("JKS"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
