using Broker.Coordination.ZNodes;
using Broker.TestKit;

namespace Broker.Coordination.Tests.Controller;

// Topic deletion with a replica's broker offline (issue 11, finding 2).
public sealed partial class KafkaControllerTests
{
    [Test]
    public async Task Deletion_WaitsWhileAReplicasBrokerIsOffline_AndCompletesWhenItIsBack()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2, 3);
        await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2, 3] });
        await cluster.WaitForLeaderAsync("t", 0, 1);
        await cluster.KillBrokerAsync(3);
        await cluster.WaitForStateAsync("t", 0, s => !s.Isr.Contains(3), "broker 3 out of the ISR");

        await cluster.Admin.RequestTopicDeletionAsync("t");
        // Something the controller handles after the deletion request: proves the request was seen and left alone.
        await cluster.CreateTopicAsync("u", new() { [0] = [1] });
        await cluster.WaitForLeaderAsync("u", 0, 1);
        Assert.Multiple(async () =>
        {
            Assert.That(await cluster.Admin.GetTopicAsync("t"), Is.Not.Null, "the topic stays while broker 3 is offline");
            Assert.That(await cluster.Admin.GetTopicDeletionsAsync(null), Does.Contain("t"), "and so does the request");
        });

        await cluster.RegisterBrokerAsync(3);
        await Poll.UntilAsync(async () => await cluster.Admin.GetTopicAsync("t") is null && !(await cluster.Admin.GetTopicDeletionsAsync(null)).Contains("t"),
            ControllerHarness.Timeout, "the deletion to complete once broker 3 is back");
        Assert.That(await cluster.Admin.Client.ExistsAsync(TopicConfigZNode.PathOf("t")), Is.Null);
    }

    [Test]
    public async Task Deletion_WithEveryReplicaLive_CompletesAtOnce()
    {
        await using var cluster = await ClusterWithBrokersAsync(1, 2);
        await cluster.StartActiveControllerAsync(1);
        await cluster.CreateTopicAsync("t", new() { [0] = [1, 2] });
        await cluster.WaitForLeaderAsync("t", 0, 1);

        await cluster.Admin.RequestTopicDeletionAsync("t");
        await Poll.UntilAsync(async () => await cluster.Admin.GetTopicAsync("t") is null && (await cluster.Admin.GetTopicDeletionsAsync(null)).Count == 0,
            ControllerHarness.Timeout, "the deletion to complete");
    }
}
