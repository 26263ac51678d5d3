using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.ControllerChannel;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.ControllerChannel;

/// <summary>The controller's per-broker queues against a fake broker speaking the real protocol over TCP.</summary>
[Parallelizable(ParallelScope.Children)]
public sealed class ControllerChannelManagerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private const int ControllerEpoch = 5;

    private static ControllerChannelManager NewChannel() => new(
        new ControllerChannelOptions(1, "PLAINTEXT", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)),
        NullLogger<ControllerChannelManager>.Instance);

    private static LiveBrokerInfo Target(FakeBrokerServer server, long epoch, int id = 2) =>
        new(id, epoch, [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", server.Port)], null);

    private static PartitionLeadership P(string topic, int partition, int leaderEpoch) =>
        new(topic, null, partition, ControllerEpoch, 2, leaderEpoch, [2, 3], leaderEpoch, [2, 3], []);

    private static BrokerRequestBatch Batch(PartitionLeadership[] leaderAndIsr, PartitionLeadership[]? metadata = null, StopReplicaEntry[]? stops = null, int broker = 2) =>
        new(broker, ControllerEpoch, leaderAndIsr, false, metadata, [], stops ?? []);

    private static string[] Partitions(LeaderAndIsrRequest r) =>
        r.TopicStates.SelectMany(t => t.PartitionStates.Select(p => $"{t.TopicName}-{p.PartitionIndex}@{p.LeaderEpoch}")).ToArray();

    [Test]
    public async Task BatchesQueuedWhileAwaitingAnAnswer_GoOutAsOneRequestPerApi_InOrder_WithBothEpochs()
    {
        await using var server = new FakeBrokerServer();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Respond = async r =>
        {
            if (server.Received.Count == 1) await gate.Task; // hold the first answer
            return FakeBrokerServer.Success(r);
        };
        await using var channel = NewChannel();
        channel.SetLiveBrokers([Target(server, 77)]);

        channel.Enqueue(Batch([P("t", 0, 1)]));
        await Poll.UntilAsync(() => server.Received.Count == 1, Timeout, "the first request");
        channel.Enqueue(Batch([P("t", 1, 1)], metadata: [P("t", 1, 1)]));
        channel.Enqueue(Batch([P("t", 0, 2)], metadata: [P("t", 0, 2)]));
        gate.SetResult();
        await Poll.UntilAsync(() => channel.Acknowledged(2) == 3, Timeout, "three requests answered");

        var received = server.Received;
        Assert.Multiple(() =>
        {
            Assert.That(received.Select(r => r.Request.ApiKey), Is.EqualTo(new[] { ApiKey.LeaderAndIsr, ApiKey.LeaderAndIsr, ApiKey.UpdateMetadata }));
            Assert.That(Partitions((LeaderAndIsrRequest)received[0].Request), Is.EqualTo(new[] { "t-0@1" }));
            Assert.That(Partitions((LeaderAndIsrRequest)received[1].Request), Is.EqualTo(new[] { "t-1@1", "t-0@2" }), "both batches in one request, the newer state of t-0");
            var metadata = (UpdateMetadataRequest)received[2].Request;
            Assert.That(metadata.TopicStates.Single().PartitionStates.Select(p => (p.PartitionIndex, p.LeaderEpoch)), Is.EqualTo(new[] { (1, 1), (0, 2) }));
            foreach (var (header, request) in received)
            {
                var (controllerId, controllerEpoch, brokerEpoch) = request switch
                {
                    LeaderAndIsrRequest l => (l.ControllerId, l.ControllerEpoch, l.BrokerEpoch),
                    UpdateMetadataRequest u => (u.ControllerId, u.ControllerEpoch, u.BrokerEpoch),
                    _ => (-1, -1, -1L),
                };
                Assert.That((controllerId, controllerEpoch, brokerEpoch), Is.EqualTo((1, ControllerEpoch, 77L)));
                Assert.That(header.ClientId, Is.EqualTo("controller-1"));
            }
        });
    }

    [Test]
    public async Task UnansweredRequest_IsRetriedOnANewConnection_UntilAcknowledged_BeforeTheNextOne()
    {
        await using var server = new FakeBrokerServer();
        int calls = 0;
        server.Respond = r => Task.FromResult(Interlocked.Increment(ref calls) <= 2 ? null : FakeBrokerServer.Success(r));
        await using var channel = NewChannel();
        channel.SetLiveBrokers([Target(server, 77)]);

        channel.Enqueue(Batch([], stops: [new StopReplicaEntry("t", 0, true, 3)]));
        await Poll.UntilAsync(() => channel.Acknowledged(2) == 1, Timeout, "the request acknowledged");
        channel.Enqueue(Batch([P("u", 0, 1)]));
        await Poll.UntilAsync(() => channel.Acknowledged(2) == 2, Timeout, "the next request acknowledged");

        var received = server.Received;
        Assert.That(received.Select(r => r.Request.ApiKey), Is.EqualTo(new[] { ApiKey.StopReplica, ApiKey.StopReplica, ApiKey.StopReplica, ApiKey.LeaderAndIsr }));
        var stop = ((StopReplicaRequest)received[2].Request).TopicStates.Single();
        Assert.That((stop.TopicName, stop.PartitionStates.Single().PartitionIndex, stop.PartitionStates.Single().DeletePartition, stop.PartitionStates.Single().LeaderEpoch),
            Is.EqualTo(("t", 0, true, 3)));
    }

    [Test]
    public async Task RegistrationGone_DropsItsQueue_ARenewedRegistrationGetsOnlyWhatFollows_WithItsNewEpoch()
    {
        await using var server = new FakeBrokerServer();
        server.Respond = _ => Task.FromResult<IKafkaResponse?>(null); // the broker is not answering
        await using var channel = NewChannel();
        channel.SetLiveBrokers([Target(server, 77)]);
        channel.Enqueue(Batch([P("old", 0, 1)]));
        await Poll.UntilAsync(() => server.Received.Count >= 2, Timeout, "the request retried");

        channel.SetLiveBrokers([]);
        Assert.That(channel.Queues, Is.Empty);
        server.Respond = r => Task.FromResult<IKafkaResponse?>(FakeBrokerServer.Success(r));
        channel.SetLiveBrokers([Target(server, 78)]);
        channel.Enqueue(Batch([P("new", 0, 1)]));
        await Poll.UntilAsync(() => channel.Acknowledged(2) == 1, Timeout, "the new registration's request acknowledged");

        Assert.Multiple(() =>
        {
            Assert.That(channel.Queues, Is.EqualTo(new Dictionary<int, long> { [2] = 78 }));
            var afterDrop = server.Received.Select(r => (LeaderAndIsrRequest)r.Request).Where(r => r.BrokerEpoch == 78).ToList();
            Assert.That(afterDrop.Select(r => Partitions(r).Single()), Is.EqualTo(new[] { "new-0@1" }), "the dropped queue's request is not sent to the new registration");
        });
        int before = server.Received.Count(r => ((LeaderAndIsrRequest)r.Request).BrokerEpoch == 77);
        await Task.Delay(300); // would cover several back-offs of a queue that was not dropped
        Assert.That(server.Received.Count(r => ((LeaderAndIsrRequest)r.Request).BrokerEpoch == 77), Is.EqualTo(before), "the dropped queue stopped retrying");
    }

    [Test]
    public async Task StaleControllerEpochAnswer_ReportsTheDeposedEpoch()
    {
        await using var server = new FakeBrokerServer();
        server.Respond = _ => Task.FromResult<IKafkaResponse?>(new LeaderAndIsrResponse { ErrorCode = (short)ErrorCode.StaleControllerEpoch });
        await using var channel = NewChannel();
        int reported = -1;
        channel.StaleControllerEpoch += e => Volatile.Write(ref reported, e);
        channel.SetLiveBrokers([Target(server, 77)]);

        channel.Enqueue(Batch([P("t", 0, 1)]));
        await Poll.UntilAsync(() => Volatile.Read(ref reported) != -1, Timeout, "the deposed epoch reported");

        Assert.That(reported, Is.EqualTo(ControllerEpoch));
        Assert.That(server.Received, Has.Count.EqualTo(1), "an answer, even a refusal, is not retried");
    }

    [Test]
    public void Merger_DoesNotFoldARecreationIntoTheDeletionBeforeIt()
    {
        var deletion = Batch([], metadata: [P("t", 0, 1) with { Leader = PartitionLeadership.LeaderDuringDelete }], stops: [new StopReplicaEntry("t", 0, true, -2)]);
        var recreation = Batch([P("t", 0, 0)], metadata: [P("t", 0, 0)]);
        var unrelated = Batch([P("u", 0, 0)]);
        var queue = new List<BrokerRequestBatch> { deletion, unrelated, recreation };

        var first = ControllerBatchMerger.TakeMerged(queue)!.Value;
        var second = ControllerBatchMerger.TakeMerged(queue)!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(first.Count, Is.EqualTo(2), "the unrelated batch folds into the deletion");
            Assert.That(first.Batch.StopReplica.Single().Topic, Is.EqualTo("t"));
            Assert.That(second.Batch.LeaderAndIsr.Single().LeaderEpoch, Is.EqualTo(0), "the re-creation goes after the deletion");
            Assert.That(queue, Is.Empty);
        });
    }
}
