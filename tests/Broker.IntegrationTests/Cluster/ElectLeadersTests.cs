using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// ElectLeaders (API 43) through Confluent.Kafka's AdminClient on three brokers: after a leader bounce the preferred
/// replica is back in the ISR but not leading; a preferred election moves leadership back, a second one is not needed.
/// </summary>
[TestFixture]
public sealed class ElectLeadersTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync(3, new Dictionary<string, string> { ["auto.leader.rebalance.enable"] = "false" });

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    [Test]
    public async Task PreferredElection_AfterALeaderBounce_MovesLeadershipBack_ThenIsNotNeeded()
    {
        string topic = $"elect-{Guid.NewGuid():N}"[..18];
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1, 2, 3] } }]);
        await _cluster.WaitForFullIsrAsync(topic);
        Assert.That(await _cluster.LeaderAsync(topic, 0), Is.EqualTo(1));

        await _cluster.Broker(1).RestartAsync(); // controlled shutdown hands leadership to 2 or 3
        await _cluster.WaitForFullIsrAsync(topic);
        Assert.That(await _cluster.LeaderAsync(topic, 0), Is.Not.EqualTo(1), "leadership stays away without an election");

        var tp = new TopicPartition(topic, 0);
        var result = await admin.ElectLeadersAsync(ElectionType.Preferred, [tp], null);
        Assert.That(result.TopicPartitions.Single().Error.Code, Is.EqualTo(ErrorCode.NoError));
        Assert.That(await _cluster.LeaderAsync(topic, 0), Is.EqualTo(1));
        await Poll.UntilAsync(() =>
        {
            var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
            return Task.FromResult(md.Topics.Single().Partitions.Single().Leader == 1);
        }, TimeSpan.FromSeconds(20), "clients to see broker 1 lead again");

        var again = Assert.ThrowsAsync<ElectLeadersException>(() => admin.ElectLeadersAsync(ElectionType.Preferred, [tp], null));
        Assert.That(again!.Results.TopicPartitions.Single().Error.Code, Is.EqualTo(ErrorCode.ElectionNotNeeded));

        var unknown = Assert.ThrowsAsync<ElectLeadersException>(() => admin.ElectLeadersAsync(ElectionType.Unclean, [new TopicPartition(topic, 7)], null));
        Assert.That(unknown!.Results.TopicPartitions.Single().Error.Code, Is.EqualTo(ErrorCode.UnknownTopicOrPart));
    }

    /// <summary>bin/leader-election.sh (and its .ps1 twin) print Kafka 3.6's lines for the same state.</summary>
    [Test]
    public async Task LeaderElectionScripts_PrintKafkasLines()
    {
        string topic = $"elcli-{Guid.NewGuid():N}"[..18];
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [2, 3, 1] } }]);
        await _cluster.WaitForFullIsrAsync(topic);
        await _cluster.Broker(2).RestartAsync();
        await _cluster.WaitForFullIsrAsync(topic);
        Assert.That(await _cluster.LeaderAsync(topic, 0), Is.Not.EqualTo(2));

        var run = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("leader-election.sh"), "--bootstrap-server", _cluster.Bootstrap,
            "--election-type", "preferred", "--all-topic-partitions"], null, TimeSpan.FromMinutes(5));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(run.StandardOutput.Split('\n')[0], Does.StartWith("Successfully completed leader election (PREFERRED) for partitions ").And.Contain($"{topic}-0"));
        Assert.That(await _cluster.LeaderAsync(topic, 0), Is.EqualTo(2));

        var ps = await ExternalProcess.RunAsync(Path.Combine(RepoPaths.Root, ".tools", "pwsh"),
            ["-NoProfile", "-NonInteractive", "-File", RepoPaths.Bin("leader-election.ps1"), "--bootstrap-server", _cluster.Bootstrap,
                "--election-type", "PREFERRED", "--topic", topic, "--partition", "0"], null, TimeSpan.FromMinutes(5));
        Assert.That(ps.ExitCode, Is.EqualTo(0), ps.StandardError);
        Assert.That(ps.StandardOutput, Is.EqualTo($"Valid replica already elected for partitions {topic}-0\n"));

        var unknown = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("leader-election.sh"), "--bootstrap-server", _cluster.Bootstrap,
            "--election-type", "unclean", "--topic", topic, "--partition", "5"], null, TimeSpan.FromMinutes(5));
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.StandardOutput, Does.StartWith($"Error completing leader election (UNCLEAN) for partition: {topic}-5: "));
        Assert.That(unknown.StandardError, Does.Contain("Error: 1 replica(s) could not be elected"));
    }
}
