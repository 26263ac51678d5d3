using System.Net.Sockets;
using Broker.TestKit;
using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests.Scripts;

/// <summary>
/// The guide's deployment exactly as a user runs it: bin/cluster-start.sh with the top-level server-N.properties
/// (ports 2181 and 9092–9094, logs in /tmp/kafka-logs-N), then the guide's topic commands verbatim, then
/// bin/cluster-stop.ps1. Needs those ports free.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterScriptsTests
{
    private static bool Accepts(int port)
    {
        try
        {
            using var c = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Task<ProcessResult> Bash(params string[] args) => ExternalProcess.RunAsync("bash", args, timeout: TimeSpan.FromMinutes(4));

    [Test]
    public async Task ClusterStart_GuideTopicCommands_ClusterStop()
    {
        Assert.That(Accepts(9092) || Accepts(2181), Is.False, "ports 2181/9092 must be free for this test");
        BrokerProcess.EnsureBuilt();
        try
        {
            var start = await Bash("bin/cluster-start.sh");
            Assert.That(start.ExitCode, Is.EqualTo(0), start.StandardError);
            Assert.That(start.StandardOutput, Does.Contain("brokers 1 (PLAINTEXT://localhost:9092), 2 (PLAINTEXT://localhost:9093), 3 (PLAINTEXT://localhost:9094); controller"));
            Assert.That(start.StandardOutput, Does.Contain("Bootstrap servers: localhost:9092,localhost:9093,localhost:9094"));

            // Left over from an earlier run of this test on the same machine.
            await Bash("bin/topics.sh", "--delete", "--topic", "my-topic", "--if-exists", "--bootstrap-server", "localhost:9092");

            var create = await Bash("bin/topics.sh", "--create", "--topic", "my-topic", "--bootstrap-server", "localhost:9092", "--partitions", "3", "--replication-factor", "1");
            Assert.That(create.ExitCode, Is.EqualTo(0), create.StandardError);
            Assert.That(create.StandardOutput.Trim(), Is.EqualTo("Created topic my-topic."));

            var list = await Bash("bin/topics.sh", "--list", "--bootstrap-server", "localhost:9092");
            Assert.That(list.StandardOutput.Split('\n'), Does.Contain("my-topic"));

            foreach (int port in new[] { 9092, 9093, 9094 })
            {
                var describe = await Bash("bin/topics.sh", "--describe", "--topic", "my-topic", "--bootstrap-server", $"localhost:{port}");
                Assert.That(describe.ExitCode, Is.EqualTo(0), describe.StandardError);
                var lines = describe.StandardOutput.TrimEnd('\n').Split('\n');
                Assert.That(lines[0], Does.Match(@"^Topic: my-topic\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: "));
                Assert.That(lines.Skip(1).Select(l => l.Split('\t')[3]).Distinct().Count(), Is.EqualTo(3), "three partitions led by three brokers");
            }

            var delete = await Bash("bin/topics.sh", "--delete", "--topic", "my-topic", "--bootstrap-server", "localhost:9092");
            Assert.That(delete.ExitCode, Is.EqualTo(0), delete.StandardError);
        }
        finally
        {
            string pwsh = Path.Combine(RepoPaths.Root, ".tools", "pwsh");
            var stop = File.Exists(pwsh)
                ? await ExternalProcess.RunAsync(pwsh, ["-NoProfile", "-File", RepoPaths.Bin("cluster-stop.ps1")], timeout: TimeSpan.FromMinutes(2))
                : await Bash("bin/cluster-stop.sh");
            Assert.That(stop.ExitCode, Is.EqualTo(0), stop.StandardError);
        }

        Assert.That(Accepts(9092) || Accepts(9093) || Accepts(9094) || Accepts(2181), Is.False, "cluster-stop stops every process");
    }
}
