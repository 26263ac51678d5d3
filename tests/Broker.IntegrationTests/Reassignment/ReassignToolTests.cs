using System.Diagnostics;
using Broker.Coordination;
using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Reassignment;

/// <summary>
/// bin/reassign-partitions.sh (and its .ps1 twin) on three brokers: --generate, --execute with --throttle, --list,
/// --verify and --cancel print Kafka 3.6's lines for the same state, the throttle configs are set and removed as Kafka's
/// tool does, and the leader's throttle holds the copy to the rate set (measured: bytes copied / time).
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class ReassignToolTests
{
    private const string ZkWarning = "Warning: --zookeeper is deprecated, and will be removed in a future version of Kafka.\n";
    private const long Throttle = 48 * 1024;
    private const int Records = 512, RecordBytes = 1000;

    private TestCluster? _cluster;
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("reassign-tool-").FullName;

    [Test]
    public async Task ThrottledRfOneToThree_ThroughTheTool_PrintsKafkasLines_AndHoldsTheRate()
    {
        // Small batches and follower fetches, so the throttle shows as a rate rather than as a few large bursts (a fetch
        // always returns at least one whole batch, KIP-74).
        _cluster = await TestCluster.StartAsync(3, new Dictionary<string, string> { ["replica.fetch.max.bytes"] = "16384" });
        string topic = $"tool-{Guid.NewGuid():N}"[..13];
        await _cluster.CreateTopicAsync(topic, 1, 1);
        int origin = (await _cluster.ReplicasAsync(topic, 0)).Single();
        int[] added = new[] { 1, 2, 3 }.Where(b => b != origin).ToArray();
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _cluster.Bootstrap, Acks = Acks.All, LingerMs = 5, BatchSize = 16384 }).Build())
        {
            var payload = new byte[RecordBytes];
            for (int i = 0; i < Records; i++) producer.Produce(topic, new Message<Null, byte[]> { Value = payload });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        long logBytes = Directory.GetFiles(Path.Combine(_cluster.Broker(origin).LogDir, $"{topic}-0"), "*.log").Sum(f => new FileInfo(f).Length);
        string zk = _cluster.ZooKeeper.ConnectString;

        // --generate: current and proposed assignment in Kafka's JSON.
        File.WriteAllText(Path.Combine(_dir, "topics.json"), $"{{\"topics\":[{{\"topic\":\"{topic}\"}}],\"version\":1}}");
        var generate = await ToolAsync("--zookeeper", zk, "--generate", "--topics-to-move-json-file", Path.Combine(_dir, "topics.json"), "--broker-list", "1,2,3");
        Assert.That(generate.ExitCode, Is.Zero, generate.StandardOutput + generate.StandardError);
        Assert.That(generate.StandardOutput, Does.Match(
            $"^{Escape(ZkWarning)}Current partition replica assignment\\n{Escape(Json(topic, [origin]))}\\n\\nProposed partition reassignment configuration\\n"
            + $"\\{{\"version\":1,\"partitions\":\\[\\{{\"topic\":\"{topic}\",\"partition\":0,\"replicas\":\\[[123]\\],\"log_dirs\":\\[\"any\"\\]\\}}\\]\\}}\\n$"));

        // --execute with a throttle.
        int[] target = [origin, .. added];
        string file = Path.Combine(_dir, "move.json");
        File.WriteAllText(file, $"{{\"version\":1,\"partitions\":[{{\"topic\":\"{topic}\",\"partition\":0,\"replicas\":[{string.Join(",", target)}]}}]}}");
        var clock = Stopwatch.StartNew();
        var execute = await ToolAsync("--zookeeper", zk, "--execute", "--reassignment-json-file", file, "--throttle", Throttle.ToString());
        Assert.That(execute.ExitCode, Is.Zero, execute.StandardOutput + execute.StandardError);
        Assert.That(execute.StandardOutput, Is.EqualTo(ZkWarning
            + $"Current partition replica assignment\n\n{Json(topic, [origin])}\n\nSave this to use as the --reassignment-json-file option during rollback\n"
            + "Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.\n"
            + $"The inter-broker throttle limit was set to {Throttle} B/s\n"
            + $"Successfully started partition reassignment for {topic}-0\n"));

        var configs = await TopicConfigAsync(topic);
        Assert.That(configs.GetValueOrDefault("leader.replication.throttled.replicas"), Is.EqualTo($"0:{origin}"));
        Assert.That(configs.GetValueOrDefault("follower.replication.throttled.replicas"), Is.EqualTo(string.Join(",", added.Select(b => $"0:{b}"))));

        var list = await ToolAsync("--zookeeper", zk, "--list");
        var verifying = await ToolAsync("--zookeeper", zk, "--verify", "--reassignment-json-file", file);
        var again = await ToolAsync("--zookeeper", zk, "--execute", "--reassignment-json-file", file);
        TestContext.Out.WriteLine($"[reassign] --list, --verify and a second --execute ran {clock.Elapsed.TotalSeconds:0.0} s into the move");
        Assert.That(again.ExitCode, Is.EqualTo(1), again.StandardOutput);
        Assert.That(again.StandardOutput, Is.EqualTo(ZkWarning + "Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.\n"));
        Assert.That(verifying.ExitCode, Is.Zero, verifying.StandardOutput);
        Assert.That(list.StandardOutput, Is.EqualTo(ZkWarning + $"Current partition reassignments:\n{topic}-0: replicas: {string.Join(",", target)}. adding: {string.Join(",", added)}.\n"));
        Assert.That(verifying.StandardOutput, Is.EqualTo(ZkWarning + $"Status of partition reassignment:\nReassignment of partition {topic}-0 is still in progress.\n\n"));

        await Poll.UntilAsync(async () => (await _cluster.ReplicasAsync(topic, 0)).SequenceEqual(target)
                && (await _cluster.PartitionStateAsync(topic, 0))?.Isr.Count == 3, TimeSpan.FromSeconds(60), "the throttled reassignment to complete");
        clock.Stop();
        double seconds = clock.Elapsed.TotalSeconds;
        double achieved = 2.0 * logBytes / seconds; // both new replicas copy the whole log from the one leader
        TestContext.Out.WriteLine($"[reassign] throttled RF 1 -> 3: {logBytes} bytes x 2 followers in {seconds:0.00} s = {achieved:0} B/s (throttle {Throttle} B/s, {achieved / Throttle:P0})");
        Assert.That(achieved, Is.LessThan(Throttle * 1.25), "the leader's throttle held the copy near the rate set");

        var verified = await ToolAsync("--zookeeper", zk, "--verify", "--reassignment-json-file", file);
        Assert.That(verified.StandardOutput, Is.EqualTo(ZkWarning + $"Status of partition reassignment:\nReassignment of partition {topic}-0 is complete.\n\n"
            + "Clearing broker-level throttles on brokers 1,2,3\n" + $"Clearing topic-level throttles on topic {topic}\n"));
        configs = await TopicConfigAsync(topic);
        Assert.That(configs.Keys, Has.None.Contains("throttled"), "--verify removed the topic throttles");
        foreach (int b in new[] { 1, 2, 3 })
            Assert.That((await BrokerConfigAsync(b)).Keys, Has.None.Contains("throttled"), $"--verify removed broker {b}'s throttles");

        var cancel = await ToolAsync("--zookeeper", zk, "--cancel", "--reassignment-json-file", file, "--preserve-throttles");
        Assert.That(cancel.StandardOutput, Is.EqualTo(ZkWarning + "None of the specified partition reassignments are active.\nNone of the specified partition moves are active.\n"));

        var ps = await ExternalProcess.RunAsync(Path.Combine(RepoPaths.Root, ".tools", "pwsh"),
            ["-NoProfile", "-NonInteractive", "-File", RepoPaths.Bin("reassign-partitions.ps1"), "--zookeeper", zk, "--list"], null, TimeSpan.FromMinutes(5));
        Assert.That(ps.ExitCode, Is.Zero, ps.StandardError);
        Assert.That(ps.StandardOutput, Is.EqualTo(ZkWarning + "No partition reassignments found.\n"));
    }

    private static string Json(string topic, int[] replicas) =>
        $"{{\"version\":1,\"partitions\":[{{\"topic\":\"{topic}\",\"partition\":0,\"replicas\":[{string.Join(",", replicas)}],\"log_dirs\":[{string.Join(",", replicas.Select(_ => "\"any\""))}]}}]}}";

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text).Replace("\n", "\\n", StringComparison.Ordinal);

    private static Task<ProcessResult> ToolAsync(params string[] args) =>
        ExternalProcess.RunAsync("bash", [RepoPaths.Bin("reassign-partitions.sh"), .. args], null, TimeSpan.FromMinutes(5));

    private async Task<IReadOnlyDictionary<string, string>> TopicConfigAsync(string topic)
    {
        var zk = await _cluster!.ConnectZooKeeperAsync();
        try
        {
            return await new KafkaZkStore(zk).GetTopicConfigAsync(topic);
        }
        finally
        {
            await zk.DisposeAsync();
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> BrokerConfigAsync(int broker)
    {
        var zk = await _cluster!.ConnectZooKeeperAsync();
        try
        {
            return await new KafkaZkStore(zk).GetBrokerConfigAsync(broker.ToString());
        }
        finally
        {
            await zk.DisposeAsync();
        }
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        if (_cluster is null) return;
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            TestContext.Out.WriteLine(_cluster.OutputOfAll(60));
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}
