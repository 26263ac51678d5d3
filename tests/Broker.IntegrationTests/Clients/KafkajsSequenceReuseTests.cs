using Broker.TestKit;

namespace Broker.IntegrationTests.Clients;

/// <summary>
/// Issue 11 with the real client: kafkajs 2.2.4 (tests/Broker.FaultSuite/js, installed by bin/fault-test.sh or npm
/// install there) loses the answer to a stored produce request, rolls its sequence back, and a concurrent send reuses
/// that sequence with other records. tests/Broker.FaultSuite/js/seqreuse.js drops the answer in a proxy the broker
/// advertises and checks that both sends are acknowledged and stored exactly once (the broker answers the reuse with
/// the retriable CORRUPT_MESSAGE). Ignored where node or kafkajs is not installed.
/// </summary>
[TestFixture]
public sealed class KafkajsSequenceReuseTests : SingleBrokerFixture
{
    private static readonly string ScriptDir = Path.Combine(RepoPaths.Root, "tests", "Broker.FaultSuite", "js");
    private readonly int _proxyPort = FreePort.Next();

    protected override IDictionary<string, string> Settings =>
        new Dictionary<string, string> { ["advertised.listeners"] = $"PLAINTEXT://localhost:{_proxyPort}" };

    [Test]
    public async Task LostAnswer_ThenReusedSequence_BothSendsStoredOnce()
    {
        if (!Directory.Exists(Path.Combine(ScriptDir, "node_modules", "kafkajs")) || !File.Exists("/usr/bin/node"))
            Assert.Ignore("node and kafkajs (npm install in tests/Broker.FaultSuite/js) are needed");

        var run = await ExternalProcess.RunAsync("/usr/bin/node",
            [Path.Combine(ScriptDir, "seqreuse.js"), _proxyPort.ToString(), Broker.Port.ToString(), UniqueTopic("js-reuse")],
            timeout: TimeSpan.FromSeconds(90), workingDirectory: ScriptDir);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardOutput + run.StandardError);
        Assert.That(run.StandardOutput, Does.Contain("refused: 2"), "the broker answered the reused sequence with CORRUPT_MESSAGE");
    }
}
