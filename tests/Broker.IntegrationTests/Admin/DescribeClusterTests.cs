using Broker.IntegrationTests.Wire;
using Broker.Protocol.Messages;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Admin;

/// <summary>DescribeCluster (API 60) on the wire agrees with what Confluent.Kafka learns from Metadata.</summary>
[TestFixture]
public sealed class DescribeClusterTests : SingleBrokerFixture
{
    [Test]
    public async Task DescribeCluster_AnswersClusterIdControllerAndBrokers_AsMetadata()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var expected = await admin.DescribeClusterAsync();

        using var c = new RawConnection(Broker.Port);
        var answer = c.RoundTrip<DescribeClusterResponse>(new DescribeClusterRequest(), 0);

        Assert.That(answer.ErrorCode, Is.EqualTo(0));
        Assert.That(answer.ClusterId, Is.EqualTo(expected.ClusterId).And.Not.Empty);
        Assert.That(answer.ControllerId, Is.EqualTo(expected.Controller?.Id ?? -1));
        Assert.That(answer.Brokers.Select(b => (b.BrokerId, b.Host, b.Port)),
            Is.EqualTo(expected.Nodes.OrderBy(n => n.Id).Select(n => (n.Id, n.Host, n.Port))));
    }
}
