using Broker.Cli.ApiVersions;
using Broker.Protocol.Messages;

namespace Broker.Cli.Tests.ApiVersions;

/// <summary>
/// bin/broker-api-versions.sh against the shared two-broker cluster (one Kafka-layout block per broker), and the
/// block's text rules (range, usable against Kafka 3.6's client, UNSUPPORTED, UNKNOWN) on a crafted answer.
/// </summary>
[TestFixture]
public sealed class BrokerApiVersionsCommandTests
{
    [Test]
    public async Task Cluster_PrintsOneKafkaBlockPerBroker()
    {
        var cluster = await AdminCluster.GetAsync();

        var run = await AdminCluster.RunAsync("broker-api-versions.sh", "--bootstrap-server", cluster.Bootstrap);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        var lines = run.StandardOutput.Split('\n');
        int client = KafkaApiTable.All.Count(a => a.ClientApi);
        var blockStarts = lines.Select((l, i) => (l, i)).Where(x => x.l.EndsWith(" -> (", StringComparison.Ordinal)).ToList();
        Assert.That(blockStarts.Select(x => x.l), Is.EqualTo(cluster.Brokers.Select(b => $"127.0.0.1:{b.Port} (id: {b.BrokerId} rack: null) -> (")));
        var first = lines.Skip(blockStarts[0].i + 1).TakeWhile(l => l != ")").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(first[0], Is.EqualTo("\tProduce(0): 3 to 9 [usable: 9],"));
            Assert.That(first, Does.Contain("\tApiVersions(18): 0 to 3 [usable: 3],"));
            Assert.That(first, Does.Contain("\tDescribeLogDirs(35): 0 to 4 [usable: 4],"));
            Assert.That(first, Does.Contain("\tAlterReplicaLogDirs(34): UNSUPPORTED,"), "not served, so not advertised");
            Assert.That(first[^1], Does.Not.EndWith(","), "the last entry has no comma");
            Assert.That(first, Has.Count.EqualTo(client), "every client API once, in key order");
        });
        Assert.That(run.StandardOutput, Does.EndWith(")\n"));
    }

    [Test]
    public void Format_FollowsNodeApiVersionsText()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys =
            [
                new() { ApiKey = 18, MinVersion = 0, MaxVersion = 3 },
                new() { ApiKey = 0, MinVersion = 3, MaxVersion = 12 },
                new() { ApiKey = 60, MinVersion = 0, MaxVersion = 0 },
                new() { ApiKey = 57, MinVersion = 5, MaxVersion = 6 },
                new() { ApiKey = 99, MinVersion = 0, MaxVersion = 1 },
            ],
        };

        var lines = BrokerApiVersionsCommand.Format(response).Split('\n');

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("("));
            Assert.That(lines[1], Is.EqualTo("\tProduce(0): 3 to 12 [usable: 9],"), "usable = min(client's latest, broker's max)");
            Assert.That(lines[2], Is.EqualTo("\tFetch(1): UNSUPPORTED,"));
            Assert.That(lines, Does.Contain("\tApiVersions(18): 0 to 3 [usable: 3],"));
            Assert.That(lines, Does.Contain("\tUpdateFeatures(57): 5 to 6 [unusable: node too new],"));
            Assert.That(lines, Does.Contain("\tDescribeCluster(60): 0 [usable: 0],"), "a single version prints once");
            Assert.That(lines, Has.No.Member("\tVote(52): UNSUPPORTED,"), "KRaft-only APIs are not client APIs");
            Assert.That(lines[^2], Is.EqualTo("\tUNKNOWN(99): 0 to 1"));
            Assert.That(lines[^1], Is.EqualTo(")"));
        });
    }
}
