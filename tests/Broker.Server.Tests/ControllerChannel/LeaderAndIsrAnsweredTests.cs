using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.ControllerChannel;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.ControllerChannel;

/// <summary>
/// A broker's per-partition LeaderAndIsr answer reaches the controller (Kafka's LeaderAndIsrResponseReceived): the
/// partitions refused with KAFKA_STORAGE_ERROR (replicas in offline log dirs) and those applied, named by topic again
/// (v5 answers carry only topic ids), with the registration's broker epoch.
/// </summary>
public sealed class LeaderAndIsrAnsweredTests
{
    [Test]
    public async Task StorageErrorsAndAppliedPartitions_AreReportedByTopicName_WithTheBrokerEpoch()
    {
        var idA = KafkaUuid.NewRandom();
        var idB = KafkaUuid.NewRandom();
        await using var server = new FakeBrokerServer();
        server.Respond = r => Task.FromResult<IKafkaResponse?>(r is LeaderAndIsrRequest
            ? new LeaderAndIsrResponse
            {
                Topics =
                [
                    new() { TopicId = idA, PartitionErrors = [new() { PartitionIndex = 0, ErrorCode = (short)ErrorCode.KafkaStorageError }, new() { PartitionIndex = 1 }] },
                    new() { TopicId = idB, PartitionErrors = [new() { PartitionIndex = 0, ErrorCode = (short)ErrorCode.StaleControllerEpoch }] },
                ],
            }
            : FakeBrokerServer.Success(r));
        await using var channel = new ControllerChannelManager(
            new ControllerChannelOptions(1, "PLAINTEXT", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)),
            NullLogger<ControllerChannelManager>.Instance);
        LeaderAndIsrOutcome? outcome = null;
        channel.LeaderAndIsrAnswered += o => Volatile.Write(ref outcome, o);
        channel.SetLiveBrokers([new LiveBrokerInfo(2, 77, [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", server.Port)], null)]);

        PartitionLeadership P(string topic, KafkaUuid id, int p) => new(topic, id.ToString(), p, 5, 2, 1, [2, 3], 1, [2, 3], []);
        channel.Enqueue(new BrokerRequestBatch(2, 5, [P("a", idA, 0), P("a", idA, 1), P("b", idB, 0)], true, null, [], []));
        await Poll.UntilAsync(() => Volatile.Read(ref outcome) is not null, TimeSpan.FromSeconds(15), "the answer reported");

        Assert.Multiple(() =>
        {
            Assert.That((outcome!.BrokerId, outcome.BrokerEpoch), Is.EqualTo((2, 77L)));
            Assert.That(outcome.StorageErrors, Is.EqualTo(new[] { ("a", 0) }));
            Assert.That(outcome.Applied, Is.EqualTo(new[] { ("a", 1) }), "a stale-epoch answer is neither");
        });
    }
}
