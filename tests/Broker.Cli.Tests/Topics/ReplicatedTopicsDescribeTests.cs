using System.Text.RegularExpressions;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;

namespace Broker.Cli.Tests.Topics;

/// <summary>
/// bin/topics.sh --describe on three brokers (ZooKeeper mode): replicas and ISR in Kafka's layout, and the partition
/// reports (--under-replicated-partitions, --under-min-isr-partitions, --at-min-isr-partitions,
/// --unavailable-partitions) once a broker is dead. Tests run in order: the second kills broker 3.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class ReplicatedTopicsDescribeTests
{
    private const int SessionTimeoutMs = 6000;
    private readonly string _replicated = "described-rf3";
    private readonly string _single = "described-rf1";
    private ZooKeeperServer _zookeeper = null!;
    private List<BrokerProcess> _brokers = null!;

    private string Bootstrap => $"localhost:{_brokers[0].Port}";

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _zookeeper = await ZooKeeperServer.LaunchAsync();
        _brokers = Enumerable.Range(1, 3).Select(id => new BrokerProcess(id, new Dictionary<string, string>
        {
            ["zookeeper.connect"] = _zookeeper.ConnectString,
            ["zookeeper.session.timeout.ms"] = SessionTimeoutMs.ToString(),
            ["replica.lag.time.max.ms"] = "10000",
        })).ToList();
        await Task.WhenAll(_brokers.Select(b => b.StartAsync()));
        CliFixture.BuildCli();
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
            foreach (var b in _brokers) TestContext.Out.WriteLine($"--- broker {b.BrokerId}\n{b.OutputTail(40)}");
        foreach (var b in _brokers) b.Dispose();
        await _zookeeper.DisposeAsync();
    }

    [Test]
    [Order(1)]
    public async Task Describe_ReplicationFactorThree_ShowsLeaderReplicasAndIsrPerPartition()
    {
        var create = await Topics("--create", "--topic", _replicated, "--partitions", "3", "--replication-factor", "3",
            "--config", "min.insync.replicas=2", "--bootstrap-server", Bootstrap);
        Assert.That(create.StandardOutput, Is.EqualTo($"Created topic {_replicated}.\n"), create.StandardError);
        var single = await Topics("--create", "--topic", _single, "--replica-assignment", "3", "--bootstrap-server", Bootstrap);
        Assert.That(single.ExitCode, Is.EqualTo(0), single.StandardOutput + single.StandardError);

        string[] lines = [];
        await Poll.UntilAsync(async () =>
        {
            var run = await Topics("--describe", "--topic", _replicated, "--bootstrap-server", Bootstrap);
            lines = run.StandardOutput.TrimEnd('\n').Split('\n');
            return lines.Length == 4 && lines.Skip(1).All(l => Isr(l).Count == 3);
        }, TimeSpan.FromSeconds(30), "three partitions with a full ISR");

        Assert.That(Regex.Replace(lines[0], "TopicId: [A-Za-z0-9_-]{22}", "TopicId: <id>"), Is.EqualTo(
            $"Topic: {_replicated}\tTopicId: <id>\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2"));
        for (int p = 0; p < 3; p++)
        {
            var m = PartitionLine(lines[p + 1]);
            Assert.That(m.Success, Is.True, $"Kafka's partition line: {lines[p + 1]}");
            var replicas = m.Groups["replicas"].Value.Split(',').Select(int.Parse).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(m.Groups["topic"].Value, Is.EqualTo(_replicated));
                Assert.That(m.Groups["partition"].Value, Is.EqualTo(p.ToString()));
                Assert.That(replicas.Order(), Is.EqualTo(new[] { 1, 2, 3 }), "three distinct replicas");
                Assert.That(m.Groups["leader"].Value, Is.EqualTo(replicas[0].ToString()), "the preferred replica leads");
                Assert.That(Isr(lines[p + 1]).Order(), Is.EqualTo(replicas.Order()), "ISR == replicas");
            });
        }

        Assert.That((await Topics("--describe", "--under-replicated-partitions", "--bootstrap-server", Bootstrap)).StandardOutput, Is.Empty);
        Assert.That((await Topics("--describe", "--unavailable-partitions", "--bootstrap-server", Bootstrap)).StandardOutput, Is.Empty);
        Assert.That((await Topics("--describe", "--under-min-isr-partitions", "--topic", _replicated, "--bootstrap-server", Bootstrap)).StandardOutput, Is.Empty);
    }

    [Test]
    [Order(2)]
    public async Task Describe_AfterBrokerDeath_ReportsUnderReplicatedAtMinIsrAndUnavailablePartitions()
    {
        _brokers[2].Kill();
        string under = "", unavailable = "";
        await Poll.UntilAsync(async () =>
        {
            under = (await Topics("--describe", "--under-replicated-partitions", "--topic", _replicated, "--bootstrap-server", Bootstrap)).StandardOutput;
            unavailable = (await Topics("--describe", "--unavailable-partitions", "--bootstrap-server", Bootstrap)).StandardOutput;
            return under.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 3 && unavailable.Contains("Leader: none");
        }, TimeSpan.FromSeconds(40), "broker 3 to drop out of every ISR and its own partition to go offline");

        foreach (string line in under.TrimEnd('\n').Split('\n'))
        {
            var m = PartitionLine(line);
            Assert.That(m.Success, Is.True, line);
            Assert.That(Isr(line).Order(), Is.EqualTo(new[] { 1, 2 }), $"broker 3 left the ISR: {line}");
            Assert.That(m.Groups["leader"].Value, Is.Not.EqualTo("3"), line);
        }

        Assert.That(unavailable, Is.EqualTo($"\tTopic: {_single}\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\n"),
            "only the single-replica partition on the dead broker is unavailable");
        var atMin = await Topics("--describe", "--at-min-isr-partitions", "--topic", _replicated, "--bootstrap-server", Bootstrap);
        Assert.That(atMin.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), "ISR 2 == min.insync.replicas 2");
        var underMin = await Topics("--describe", "--under-min-isr-partitions", "--bootstrap-server", Bootstrap);
        Assert.That(underMin.StandardOutput, Is.EqualTo($"\tTopic: {_single}\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\n"),
            "a partition without a leader counts as under min ISR");
    }

    [Test]
    public async Task DescribeReports_AreMutuallyExclusive()
    {
        var run = await Topics("--describe", "--under-min-isr-partitions", "--at-min-isr-partitions", "--bootstrap-server", Bootstrap);
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.Match("Option \"\\[(under|at)-min-isr-partitions\\]\" can't be used with option \"\\[(under|at)-min-isr-partitions\\]\""));
    }

    private static Match PartitionLine(string line) => Regex.Match(line,
        @"^\tTopic: (?<topic>\S+)\tPartition: (?<partition>\d+)\tLeader: (?<leader>\d+|none)\tReplicas: (?<replicas>[\d,]+)\tIsr: (?<isr>[\d,]*)$");

    private static List<int> Isr(string line) =>
        PartitionLine(line) is { Success: true } m && m.Groups["isr"].Value.Length > 0 ? m.Groups["isr"].Value.Split(',').Select(int.Parse).ToList() : [];

    private static Task<ProcessResult> Topics(params string[] args) =>
        ExternalProcess.RunAsync("bash", [RepoPaths.Bin("topics.sh"), .. args], null, TimeSpan.FromSeconds(60));
}
