using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Transactions;
using Broker.Storage;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Transactions;

public class TransactionCoordinatorTests
{
    private const string Id = "txn-a";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TopicPartition Data0 = new("data", 0);
    private static readonly TopicPartition Data1 = new("data", 1);

    private InMemoryTransactionStateTopic _topic = null!;
    private RecordingMarkerChannel _markers = null!;
    private FakeTimeProvider _time = null!;
    private TransactionCoordinator _coordinator = null!;

    [SetUp]
    public async Task SetUp()
    {
        _topic = new InMemoryTransactionStateTopic();
        _markers = new RecordingMarkerChannel();
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _coordinator = await StartCoordinator();
    }

    [TearDown]
    public void TearDown() => _coordinator.Dispose();

    private async Task<TransactionCoordinator> StartCoordinator()
    {
        var c = new TransactionCoordinator(_topic, new SequentialAllocator(), new StaticCluster(("data", 2)), _markers,
            new TransactionCoordinatorOptions { MaxTimeoutMs = 60000 }, _time, NullLogger<TransactionCoordinator>.Instance);
        await c.LoadPartitionAsync(c.PartitionFor(Id));
        return c;
    }

    [Test]
    public async Task InitProducerId_GivesEpochZero_ThenBumpsTheEpoch_AndStoresKafkasRecord()
    {
        var first = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        var second = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);

        Assert.That(first, Is.EqualTo((ErrorCode.None, 1000L, (short)0)));
        Assert.That(second, Is.EqualTo((ErrorCode.None, 1000L, (short)1)));
        var records = StateRecords();
        Assert.That(records.Select(r => (r.Id, r.Value!.ProducerEpoch, r.Value.State)),
            Is.EqualTo(new[] { (Id, (short)0, TransactionState.Empty), (Id, (short)1, TransactionState.Empty) }));
        Assert.That(records[1].Value!.TimeoutMs, Is.EqualTo(30000));
    }

    [Test]
    public async Task InitProducerId_RefusesATimeoutAboveTheMaximum()
    {
        var result = await _coordinator.InitProducerIdAsync(Id, 60001, -1, -1, CancellationToken.None);

        Assert.That(result.Error, Is.EqualTo(ErrorCode.InvalidTransactionTimeout));
    }

    [Test]
    public async Task Commit_WritesPrepareCommit_SendsMarkers_ThenCompleteCommit()
    {
        var (_, pid, epoch) = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        Assert.That(await _coordinator.AddPartitionsAsync(Id, pid, epoch, [Data0, Data1]), Is.EqualTo(ErrorCode.None));

        Assert.That(await _coordinator.EndTransactionAsync(Id, pid, epoch, commit: true), Is.EqualTo(ErrorCode.None));

        await Poll.UntilAsync(() => _coordinator.Describe(Id)?.State == TransactionState.CompleteCommit, Wait, "CompleteCommit");
        var sent = _markers.Sent.Single().Request.Markers.Single();
        Assert.That((sent.ProducerId, sent.ProducerEpoch, sent.TransactionResult, sent.CoordinatorEpoch), Is.EqualTo((pid, epoch, true, 3)));
        Assert.That(sent.Topics.Single().PartitionIndexes, Is.EquivalentTo(new[] { 0, 1 }));
        Assert.That(StateRecords().Select(r => r.Value!.State), Is.EqualTo(new[]
        {
            TransactionState.Empty, TransactionState.Ongoing, TransactionState.PrepareCommit, TransactionState.CompleteCommit,
        }));
        Assert.That(StateRecords()[2].Value!.Partitions, Is.EquivalentTo(new[] { Data0, Data1 }));
        Assert.That(await _coordinator.EndTransactionAsync(Id, pid, epoch, commit: true), Is.EqualTo(ErrorCode.None), "a retried commit");
        Assert.That(await _coordinator.EndTransactionAsync(Id, pid, epoch, commit: false), Is.EqualTo(ErrorCode.InvalidTxnState));
    }

    [Test]
    public async Task MarkersAreRetriedUntilTheLeaderAcknowledges()
    {
        var (_, pid, epoch) = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        await _coordinator.AddPartitionsAsync(Id, pid, epoch, [Data0]);
        _markers.Answer = ErrorCode.NotLeaderOrFollower;
        await _coordinator.EndTransactionAsync(Id, pid, epoch, commit: false);
        await Poll.UntilAsync(() => _markers.Sent.Count >= 1, Wait, "a first marker");

        Assert.That(_coordinator.Describe(Id)!.State, Is.EqualTo(TransactionState.PrepareAbort));
        Assert.That(await _coordinator.AddPartitionsAsync(Id, pid, epoch, [Data1]), Is.EqualTo(ErrorCode.ConcurrentTransactions));
        _markers.Answer = ErrorCode.None;
        await Poll.UntilAsync(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            return _coordinator.Describe(Id)!.State == TransactionState.CompleteAbort;
        }, Wait, "CompleteAbort after a retry");
        Assert.That(_markers.Sent.Count, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task ANewProducer_FencesTheOldOne_WhoseOngoingTransactionIsAborted()
    {
        var (_, pid, oldEpoch) = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        await _coordinator.AddPartitionsAsync(Id, pid, oldEpoch, [Data0]);

        var fencing = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        Assert.That(fencing.Error, Is.EqualTo(ErrorCode.ConcurrentTransactions), "the new producer retries while the zombie's transaction aborts");
        await Poll.UntilAsync(() => _coordinator.Describe(Id)!.State == TransactionState.CompleteAbort, Wait, "the zombie's transaction aborted");
        var marker = _markers.Sent.Single().Request.Markers.Single();
        Assert.That((marker.TransactionResult, marker.ProducerEpoch), Is.EqualTo((false, (short)(oldEpoch + 1))));

        var retried = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        Assert.That(retried, Is.EqualTo((ErrorCode.None, pid, (short)(oldEpoch + 2))));
        Assert.That(await _coordinator.EndTransactionAsync(Id, pid, oldEpoch, commit: true), Is.EqualTo(ErrorCode.ProducerFenced));
        Assert.That(await _coordinator.AddPartitionsAsync(Id, pid, oldEpoch, [Data1]), Is.EqualTo(ErrorCode.ProducerFenced));
    }

    [Test]
    public async Task Kip360_ProducerWithTheCurrentEpochGetsABump_AnOlderEpochIsFenced()
    {
        var (_, pid, epoch) = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        var bumped = await _coordinator.InitProducerIdAsync(Id, 30000, pid, epoch, CancellationToken.None);
        Assert.That(bumped, Is.EqualTo((ErrorCode.None, pid, (short)(epoch + 1))));
        var retry = await _coordinator.InitProducerIdAsync(Id, 30000, pid, epoch, CancellationToken.None);
        Assert.That(retry, Is.EqualTo((ErrorCode.None, pid, (short)(epoch + 1))), "a retry of the same bump gets the same answer");
        await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);

        var stale = await _coordinator.InitProducerIdAsync(Id, 30000, pid, epoch, CancellationToken.None);
        Assert.That(stale.Error, Is.EqualTo(ErrorCode.ProducerFenced));
    }

    [Test]
    public async Task ATransactionPastItsTimeout_IsAbortedWithABumpedEpoch()
    {
        var (_, pid, epoch) = await _coordinator.InitProducerIdAsync(Id, 5000, -1, -1, CancellationToken.None);
        await _coordinator.AddPartitionsAsync(Id, pid, epoch, [Data0]);
        _time.Advance(TimeSpan.FromMilliseconds(4000));
        _coordinator.AbortTimedOut();
        Assert.That(_coordinator.Describe(Id)!.State, Is.EqualTo(TransactionState.Ongoing), "not yet timed out");

        _time.Advance(TimeSpan.FromMilliseconds(1500));
        _coordinator.AbortTimedOut();

        await Poll.UntilAsync(() => _coordinator.Describe(Id)!.State == TransactionState.CompleteAbort, Wait, "the timed-out transaction aborted");
        Assert.That(_coordinator.Describe(Id)!.ProducerEpoch, Is.EqualTo((short)(epoch + 1)));
        Assert.That(_markers.Sent.Single().Request.Markers.Single().TransactionResult, Is.False);
        Assert.That(await _coordinator.EndTransactionAsync(Id, pid, epoch, commit: true), Is.EqualTo(ErrorCode.ProducerFenced));
    }

    [Test]
    public async Task ANewCoordinator_CompletesAPreparedCommit_AndKeepsAnOngoingTransaction()
    {
        var (_, pid, epoch) = await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        await _coordinator.AddPartitionsAsync(Id, pid, epoch, [Data0]);
        _markers.Answer = ErrorCode.NotLeaderOrFollower; // the old coordinator never gets its markers through
        await _coordinator.EndTransactionAsync(Id, pid, epoch, commit: true);
        _coordinator.Dispose();
        int before = _markers.Sent.Count;
        _markers.Answer = ErrorCode.None;

        _coordinator = await StartCoordinator();

        await Poll.UntilAsync(() => _coordinator.IsLoaded(_coordinator.PartitionFor(Id)) && _coordinator.Describe(Id)?.State == TransactionState.CompleteCommit,
            Wait, "the new coordinator completed the commit");
        Assert.That(_markers.Sent.Skip(before).Last().Request.Markers.Single().TransactionResult, Is.True);
        Assert.That(_coordinator.Describe(Id)!.ProducerEpoch, Is.EqualTo(epoch));
    }

    [Test]
    public async Task AnIdleIdExpires_WithATombstone()
    {
        await _coordinator.InitProducerIdAsync(Id, 30000, -1, -1, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(new TransactionCoordinatorOptions().TransactionalIdExpirationMs + 1));

        _coordinator.RemoveExpired();

        await Poll.UntilAsync(() => _coordinator.Describe(Id) is null, Wait, "the id removed");
        Assert.That(StateRecords().Last().Value, Is.Null);
    }

    [Test]
    public async Task RequestsForAnIdOfAnotherPartition_AreNotCoordinator()
    {
        string other = Enumerable.Range(0, 100).Select(i => $"other-{i}").First(s => _coordinator.PartitionFor(s) != _coordinator.PartitionFor(Id));

        var result = await _coordinator.InitProducerIdAsync(other, 30000, -1, -1, CancellationToken.None);

        Assert.That(result.Error, Is.EqualTo(ErrorCode.NotCoordinator));
    }

    private List<(string Id, TransactionLogValue? Value)> StateRecords()
    {
        var result = new List<(string, TransactionLogValue?)>();
        foreach (var batch in _topic.ReadAll(_coordinator.PartitionFor(Id)))
        {
            var reader = new RecordReader(batch.Span);
            while (reader.TryReadNext(out var record))
                result.Add((TransactionLogCodec.DecodeKey(record.Key.ToArray()), record.ValueIsNull ? null : TransactionLogCodec.DecodeValue(record.Value.ToArray())));
        }

        return result;
    }
}
