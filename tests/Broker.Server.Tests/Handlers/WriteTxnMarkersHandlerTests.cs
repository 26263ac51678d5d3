using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Server.Configuration;
using Broker.Server.Handlers;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Handlers;

/// <summary>
/// WriteTxnMarkers on the partition leader: the marker is appended, answered only once the ISR has it, fenced by
/// producer and coordinator epoch, refused on a follower; the last stable offset follows.
/// </summary>
public class WriteTxnMarkersHandlerTests
{
    private const long Pid = 42;
    private TempDirectory _dir = null!;
    private LogManager _logs = null!;
    private ReplicaManager _replicas = null!;
    private Partition _partition = null!;
    private WriteTxnMarkersHandler _handler = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory("txn-markers");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _logs = new LogManager(new LogManagerOptions { LogDirs = [_dir.Path], BrokerId = 1 }, time, NullLoggerFactory.Instance);
        var config = BrokerConfig.FromEntries([new PropertyEntry("broker.id", "1", ConfigSource.CommandLine)], out _);
        _replicas = new ReplicaManager(_logs, config, time);
        _partition = _replicas.Host(new Storage.TopicPartition("t", 0), KafkaUuid.Zero, leader: false);
        _partition.MakeLeader(5, [1, 2], [1, 2], 0);
        _handler = new WriteTxnMarkersHandler(_replicas, new ProduceHandlerLeadershipTests.NoCluster(), TimeProvider.System,
            new Broker.Server.Groups.GroupCoordinator(new Groups.InMemoryOffsetsTopic(), new Broker.Server.Groups.GroupCoordinatorOptions(), TimeProvider.System, NullLogger<Broker.Server.Groups.GroupCoordinator>.Instance),
            NullLogger<WriteTxnMarkersHandler>.Instance);
    }

    [TearDown]
    public void TearDown()
    {
        _logs.Dispose();
        _dir.Dispose();
    }

    [Test]
    public async Task Commit_AnswersOnceReplicated_AndReleasesTheLastStableOffset()
    {
        AppendTransactional(epoch: 0, records: 3);
        _partition.UpdateFollowerFetchState(2, _partition.Log.LogEndOffset);
        Assert.That((_partition.HighWatermark, _partition.LastStableOffset), Is.EqualTo((3L, 0L)));

        var answer = Send(epoch: 0, coordinatorEpoch: 1, commit: true);
        Assert.That(answer.IsCompleted, Is.False, "waits for follower 2 to copy the marker");
        Assert.That(_partition.LastStableOffset, Is.EqualTo(3), "the transaction ended, but the marker is not replicated yet");

        _partition.UpdateFollowerFetchState(2, _partition.Log.LogEndOffset);
        var result = (await answer.AsTask().WaitAsync(TimeSpan.FromSeconds(10)))!;

        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.None));
        Assert.That((_partition.Log.LogEndOffset, _partition.LastStableOffset), Is.EqualTo((4L, 4L)));
        RecordBatchHeader marker = RecordBatchHeader.Read(_partition.Log.Read(3, 1000).Records.Span);
        Assert.That((marker.IsControl, marker.IsTransactional, marker.ProducerId), Is.EqualTo((true, true, Pid)));
    }

    [Test]
    public async Task OlderProducerEpoch_IsInvalidProducerEpoch()
    {
        AppendTransactional(epoch: 3, records: 1);

        var result = await Send(epoch: 2, coordinatorEpoch: 0, commit: false);

        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.InvalidProducerEpoch));
        Assert.That(_partition.Log.LogEndOffset, Is.EqualTo(1));
    }

    [Test]
    public async Task OlderCoordinatorEpoch_IsTransactionCoordinatorFenced()
    {
        AppendTransactional(epoch: 0, records: 1);
        _partition.MakeLeader(6, [1], [1, 2], 1);
        Assert.That((ErrorCode)(await Send(epoch: 0, coordinatorEpoch: 9, commit: true)).ErrorCode, Is.EqualTo(ErrorCode.None));

        var result = await Send(epoch: 0, coordinatorEpoch: 8, commit: false);

        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.TransactionCoordinatorFenced));
        Assert.That(_partition.Log.LogEndOffset, Is.EqualTo(2));
    }

    [Test]
    public async Task Follower_IsNotLeaderOrFollower()
    {
        _partition.MakeFollower(2, 6, [1, 2], [1, 2], 1);

        var result = await Send(epoch: 0, coordinatorEpoch: 0, commit: true);

        // The lookup answers UNKNOWN_TOPIC_OR_PARTITION here because this test's cluster view has no topics (with
        // one, NOT_LEADER_OR_FOLLOWER); the partition itself refuses under its state lock.
        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.UnknownTopicOrPartition));
        Assert.That(_partition.AppendMarkerAsLeader(Pid, 0, 0, commit: true).Error, Is.EqualTo(ErrorCode.NotLeaderOrFollower));
        Assert.That(_partition.Log.LogEndOffset, Is.EqualTo(0));
    }

    private void AppendTransactional(short epoch, int records)
    {
        var builder = new RecordBatchBuilder(1_700_000_000_000) { ProducerId = Pid, ProducerEpoch = epoch, BaseSequence = 0, IsTransactional = true };
        for (int i = 0; i < records; i++) builder.Add("k", "v" + i);
        Assert.That(_partition.AppendAsLeader(builder.Build(), requireMinIsr: false).Error, Is.EqualTo(ErrorCode.None));
    }

    private async ValueTask<WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult> Send(short epoch, int coordinatorEpoch, bool commit)
    {
        var request = new WriteTxnMarkersRequest
        {
            Markers =
            [
                new WriteTxnMarkersRequest.WritableTxnMarker
                {
                    ProducerId = Pid,
                    ProducerEpoch = epoch,
                    TransactionResult = commit,
                    CoordinatorEpoch = coordinatorEpoch,
                    Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = "t", PartitionIndexes = [0] }],
                },
            ],
        };
        var context = new RequestContext(new RequestHeader((short)ApiKey.WriteTxnMarkers, 1, 1, "coordinator"), 1, null, CancellationToken.None);
        var response = (WriteTxnMarkersResponse)(await ((IRequestHandler)_handler).HandleAsync(context, request))!;
        Assert.That(response.Markers[0].ProducerId, Is.EqualTo(Pid));
        return response.Markers[0].Topics[0].Partitions[0];
    }
}
