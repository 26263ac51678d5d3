using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Conformance 0083 (three brokers): a topic created through one broker was served by the controller's broker ~60 ms
/// after the others, and a client that asked it right away got UNKNOWN_TOPIC_OR_PARTITION. Once CreateTopics answers
/// success (timeout_ms &gt; 0), every live broker serves the topic with its leaders: no poll, one Metadata each.
/// </summary>
[TestFixture]
public sealed class CreateTopicsPropagationTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync();

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    [Test]
    public async Task AfterCreateTopicsAnswers_EveryBrokerServesTheTopic_AtOnce()
    {
        await _cluster.WaitForControllerAsync();
        var missing = new List<string>();
        const int Rounds = 4;
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var creator in _cluster.Brokers)
            {
                // Replication factor 1 puts the single partition on one broker: the others learn it from UpdateMetadata
                // alone, the replica from LeaderAndIsr first; 3 exercises the path where every broker hosts it.
                foreach (short replication in new short[] { 1, 3 })
                {
                    string topic = $"propagated-{round}-{creator.BrokerId}-{replication}-{Guid.NewGuid():N}"[..40];
                    using (var c = new RawConnection(creator.Port))
                    {
                        var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
                        {
                            TimeoutMs = 30_000,
                            Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = 2, ReplicationFactor = replication }],
                        }, 5);
                        Assert.That(created.Topics.Single().ErrorCode, Is.EqualTo((short)ErrorCode.None), $"create {topic} through broker {creator.BrokerId}");
                    }

                    foreach (var b in _cluster.Brokers)
                    {
                        using var c = new RawConnection(b.Port);
                        var t = c.RoundTrip<MetadataResponse>(new MetadataRequest
                        {
                            Topics = [new MetadataRequest.RequestTopic { Name = topic }],
                            AllowAutoTopicCreation = false,
                        }, 9).Topics.Single();
                        if (t.ErrorCode != 0 || t.Partitions.Count != 2 || t.Partitions.Any(p => p.LeaderId < 0))
                            missing.Add($"{topic} (created through {creator.BrokerId}) on broker {b.BrokerId}: error {t.ErrorCode}, {t.Partitions.Count} partitions");
                    }
                }
            }
        }

        Assert.That(missing, Is.Empty, "brokers that did not serve a topic right after CreateTopics answered");
    }
}
