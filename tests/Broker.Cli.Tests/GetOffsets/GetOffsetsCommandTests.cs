namespace Broker.Cli.Tests.GetOffsets;

/// <summary>
/// bin/get-offsets.sh against the shared two-broker cluster: a topic with partition 0 on broker 1 (records at
/// CreateTime 1000, 2000, 3000) and partition 1 on broker 2 (one record at 5000); each --time form and selector prints
/// Kafka's <c>topic:partition:offset</c> lines for that state.
/// </summary>
[TestFixture]
public sealed class GetOffsetsCommandTests
{
    private AdminCluster _cluster = null!;
    private string _topic = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _cluster = await AdminCluster.GetAsync();
        _topic = "offsets-" + Guid.NewGuid().ToString("N")[..8];
        await AdminTopics.CreateAsync(_cluster.Bootstrap, _topic, 1, 2);
        await AdminTopics.ProduceAsync(_cluster.Bootstrap, _topic, 0, ["a", "b", "c"], [1000, 2000, 3000]);
        await AdminTopics.ProduceAsync(_cluster.Bootstrap, _topic, 1, ["d"], [5000]);
    }

    [TestCase("-1", "{0}:0:3\n{0}:1:1\n")]
    [TestCase("latest", "{0}:0:3\n{0}:1:1\n")]
    [TestCase("-2", "{0}:0:0\n{0}:1:0\n")]
    [TestCase("earliest", "{0}:0:0\n{0}:1:0\n")]
    [TestCase("-3", "{0}:0:2\n{0}:1:0\n")]
    [TestCase("max-timestamp", "{0}:0:2\n{0}:1:0\n")]
    [TestCase("2000", "{0}:0:1\n{0}:1:0\n")]
    [TestCase("4000", "{0}:1:0\n")]
    public async Task Time_PrintsKafkasLines(string time, string expected)
    {
        var run = await AdminCluster.RunAsync("get-offsets.sh", "--bootstrap-server", _cluster.Bootstrap, "--topic", _topic, "--time", time);

        Assert.That((run.ExitCode, run.StandardOutput), Is.EqualTo((0, string.Format(expected, _topic))), run.StandardError);
    }

    [Test]
    public async Task DefaultTime_IsLatest_AndPartitionsFilter()
    {
        var run = await AdminCluster.RunAsync("get-offsets.sh", "--bootstrap-server", _cluster.Bootstrap, "--topic", _topic, "--partitions", "0");

        Assert.That(run.StandardOutput, Is.EqualTo($"{_topic}:0:3\n"), run.StandardError);
    }

    [TestCase(":1", "{0}:1:1\n")]
    [TestCase("{0}:1-", "{0}:1:1\n")]
    [TestCase("{0}:-1", "{0}:0:3\n")]
    [TestCase("{0}:0-2", "{0}:0:3\n{0}:1:1\n")]
    [TestCase("{0}", "{0}:0:3\n{0}:1:1\n")]
    public async Task TopicPartitions_SelectsByRule(string rule, string expected)
    {
        var run = await AdminCluster.RunAsync("get-offsets.sh", "--bootstrap-server", _cluster.Bootstrap, "--topic-partitions", string.Format(rule, _topic));

        var lines = run.StandardOutput.Split('\n').Where(l => l.StartsWith(_topic + ":", StringComparison.Ordinal)).Select(l => l + "\n");
        Assert.That(string.Concat(lines), Is.EqualTo(string.Format(expected, _topic)), run.StandardError);
    }

    [TestCase(new[] { "--time", "yesterday" }, "Error occurred: Malformed time argument yesterday, please use -1 or latest / -2 or earliest / -3 or max-timestamp, or a specified long format timestamp")]
    [TestCase(new[] { "--topic-partitions", "x", "--topic", "x" }, "Error occurred: --topic-partitions cannot be used with --topic or --partitions")]
    [TestCase(new[] { "--topic", "no-such-topic-anywhere" }, "Error occurred: Could not match any topic-partitions with the specified filters")]
    [TestCase(new[] { "--topic", "t", "--partitions", "1,x" }, "Error occurred: --partitions expects a comma separated list of numeric partition ids, but received: 1,x")]
    public async Task BadArguments_FailWithKafkasOneLine(string[] args, string expected)
    {
        var run = await AdminCluster.RunAsync("get-offsets.sh", ["--bootstrap-server", _cluster.Bootstrap, .. args]);

        Assert.That((run.ExitCode, run.StandardOutput), Is.EqualTo((1, expected + "\n")), run.StandardError);
    }
}
