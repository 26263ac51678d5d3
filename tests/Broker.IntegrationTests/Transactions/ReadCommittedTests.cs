using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.TestKit;
using Confluent.Kafka;
using ErrorCode = Broker.Protocol.ErrorCode;
using static Broker.IntegrationTests.Idempotence.IdempotenceWire;
using static Broker.IntegrationTests.Transactions.TransactionWire;

namespace Broker.IntegrationTests.Transactions;

/// <summary>
/// The partition side of transactions against a real broker: transactional batches and WriteTxnMarkers over the wire,
/// read by Confluent.Kafka (librdkafka) and kcat at both isolation levels, and by raw Fetch / ListOffsets.
/// </summary>
[TestFixture]
public sealed class ReadCommittedTests : SingleBrokerFixture
{
    [Test]
    public async Task CommittedAndAborted_ReadCommittedSeesOnlyCommitted()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("txn-mix");
        CreateTopic(c, topic);
        long a = InitProducerId(c).ProducerId;
        long b = InitProducerId(c).ProducerId;
        Assert.That(ProduceTxn(c, topic, PlainBatch("plain-0"), transactionalId: null).Error, Is.EqualTo(ErrorCode.None));
        Assert.That(ProduceTxn(c, topic, TxnBatch(a, 0, 0, "a-0", "a-1")).Error, Is.EqualTo(ErrorCode.None));
        Assert.That(ProduceTxn(c, topic, TxnBatch(b, 0, 0, "b-0")).Error, Is.EqualTo(ErrorCode.None));
        Assert.That(ProduceTxn(c, topic, TxnBatch(a, 0, 2, "a-2")).Error, Is.EqualTo(ErrorCode.None));
        Assert.That(ProduceTxn(c, topic, TxnBatch(b, 0, 1, "b-1")).Error, Is.EqualTo(ErrorCode.None));
        Assert.That(WriteMarker(c, topic, a, 0, commit: true), Is.EqualTo(ErrorCode.None));
        Assert.That(WriteMarker(c, topic, b, 0, commit: false), Is.EqualTo(ErrorCode.None));
        Assert.That(ProduceTxn(c, topic, PlainBatch("plain-1"), transactionalId: null).Error, Is.EqualTo(ErrorCode.None));

        var committed = Fetch(c, topic, 0, isolation: 1);
        Assert.That((committed.HighWatermark, committed.LastStableOffset), Is.EqualTo((9L, 9L)));
        Assert.That(committed.AbortedTransactions!.Select(t => (t.ProducerId, t.FirstOffset)), Is.EqualTo(new[] { (b, 3L) }));
        Assert.That(Fetch(c, topic, 5, isolation: 1).AbortedTransactions!.Select(t => t.ProducerId), Is.EqualTo(new[] { b }), "the abort at 7 overlaps a fetch from 5");
        Assert.That(Fetch(c, topic, 8, isolation: 1).AbortedTransactions, Is.Empty, "nothing aborted at or after 8");

        Assert.That(ConsumeAll(Bootstrap, topic, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "plain-0", "a-0", "a-1", "a-2", "plain-1" }));
        Assert.That(ConsumeAll(Bootstrap, topic, IsolationLevel.ReadUncommitted), Is.EqualTo(new[] { "plain-0", "a-0", "a-1", "b-0", "a-2", "b-1", "plain-1" }));

        var kcat = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-C", "-p", "0", "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed"]);
        Assert.That(kcat.ExitCode, Is.EqualTo(0), kcat.StandardError);
        Assert.That(kcat.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "plain-0", "a-0", "a-1", "a-2", "plain-1" }));
        var kcatAll = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-C", "-p", "0", "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_uncommitted"]);
        Assert.That(kcatAll.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(7));
    }

    [Test]
    public void OpenTransaction_StopsReadCommittedAtItsFirstOffset_UntilTheMarker()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("txn-lso");
        CreateTopic(c, topic);
        long a = InitProducerId(c).ProducerId;
        ProduceTxn(c, topic, PlainBatch("p-0", "p-1"), transactionalId: null);
        Assert.That(ProduceTxn(c, topic, TxnBatch(a, 0, 0, "a-0")).Error, Is.EqualTo(ErrorCode.None));
        ProduceTxn(c, topic, PlainBatch("p-2"), transactionalId: null);

        var committed = Fetch(c, topic, 0, isolation: 1);
        var uncommitted = Fetch(c, topic, 0, isolation: 0);
        Assert.That((committed.HighWatermark, committed.LastStableOffset), Is.EqualTo((4L, 2L)));
        Assert.That(Values(committed.Records!.Memory), Is.EqualTo(new[] { "p-0", "p-1" }), "stops at the open transaction");
        Assert.That(uncommitted.LastStableOffset, Is.EqualTo(2), "the last stable offset is reported at both levels");
        Assert.That(Values(uncommitted.Records!.Memory), Is.EqualTo(new[] { "p-0", "p-1", "a-0", "p-2" }));
        Assert.That(Fetch(c, topic, 2, isolation: 1).Records!.Memory.Length, Is.EqualTo(0));
        Assert.That((Latest(c, topic, 1), Latest(c, topic, 0)), Is.EqualTo((2L, 4L)), "ListOffsets latest: LSO vs high watermark");
        Assert.That(ConsumeAll(Bootstrap, topic, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "p-0", "p-1" }));

        Assert.That(WriteMarker(c, topic, a, 0, commit: true), Is.EqualTo(ErrorCode.None));

        Assert.That(Fetch(c, topic, 2, isolation: 1).LastStableOffset, Is.EqualTo(5));
        Assert.That(Latest(c, topic, 1), Is.EqualTo(5));
        Assert.That(ConsumeAll(Bootstrap, topic, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "p-0", "p-1", "a-0", "p-2" }));
    }

    [Test]
    public void Markers_AreFencedByProducerAndCoordinatorEpoch()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("txn-fence");
        CreateTopic(c, topic);
        long a = InitProducerId(c).ProducerId;
        ProduceTxn(c, topic, TxnBatch(a, 1, 0, "a-0"));

        Assert.That(WriteMarker(c, topic, a, 0, commit: true, coordinatorEpoch: 3), Is.EqualTo(ErrorCode.InvalidProducerEpoch));
        Assert.That(WriteMarker(c, topic, a, 1, commit: true, coordinatorEpoch: 3), Is.EqualTo(ErrorCode.None));
        Assert.That(WriteMarker(c, topic, a, 1, commit: false, coordinatorEpoch: 2), Is.EqualTo(ErrorCode.TransactionCoordinatorFenced));
        Assert.That(WriteMarker(c, "no-such-topic-txn", a, 1, commit: true), Is.EqualTo(ErrorCode.UnknownTopicOrPartition));
        Assert.That(LogEndOffset(c, topic), Is.EqualTo(2));
    }

    [Test]
    public void TransactionalBatch_WithoutTransactionalId_IsStillRefused()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("txn-noid");
        CreateTopic(c, topic);
        long a = InitProducerId(c).ProducerId;

        Assert.That(ProduceTxn(c, topic, TxnBatch(a, 0, 0, "a-0"), transactionalId: null).Error, Is.EqualTo(ErrorCode.TransactionalIdAuthorizationFailed));
    }
}
