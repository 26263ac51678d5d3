using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.TestKit.Brokers;
using Confluent.Kafka;
using static Broker.IntegrationTests.Idempotence.IdempotenceWire;
using static Broker.IntegrationTests.Transactions.TransactionWire;
using ErrorCode = Broker.Protocol.ErrorCode;

namespace Broker.IntegrationTests.Transactions;

/// <summary>
/// Open transactions and aborted-transaction indexes survive a broker restart: from the producer snapshot after a
/// clean stop, from the log after kill -9.
/// </summary>
[TestFixture]
public sealed class TransactionRestartTests
{
    [TestCase(false, TestName = "Restart_AfterCleanStop_KeepsOpenTransactionAndAborts")]
    [TestCase(true, TestName = "Restart_AfterKill_KeepsOpenTransactionAndAborts")]
    public async Task Restart_KeepsOpenTransactionAndAborts(bool kill)
    {
        using var broker = new BrokerProcess(0);
        await broker.StartAsync();
        string topic = "txn-restart";
        long a, b;
        using (var c = new RawConnection(broker.Port))
        {
            CreateTopic(c, topic);
            a = InitProducerId(c).ProducerId;
            b = InitProducerId(c).ProducerId;
            ProduceTxn(c, topic, PlainBatch("p-0"), transactionalId: null);
            Assert.That(ProduceTxn(c, topic, TxnBatch(b, 0, 0, "b-0")).Error, Is.EqualTo(ErrorCode.None));
            Assert.That(WriteMarker(c, topic, b, 0, commit: false, coordinatorEpoch: 2), Is.EqualTo(ErrorCode.None));
            Assert.That(ProduceTxn(c, topic, TxnBatch(a, 0, 0, "a-0")).Error, Is.EqualTo(ErrorCode.None));
            ProduceTxn(c, topic, PlainBatch("p-1"), transactionalId: null);
            Assert.That(Fetch(c, topic, 0, isolation: 1).LastStableOffset, Is.EqualTo(3));
        }

        if (kill)
        {
            broker.Kill();
        }
        else
        {
            Assert.That(broker.Stop(), Is.EqualTo(0));
        }

        await broker.StartAsync();

        using (var c = new RawConnection(broker.Port))
        {
            var committed = Fetch(c, topic, 0, isolation: 1);
            Assert.That((committed.HighWatermark, committed.LastStableOffset), Is.EqualTo((5L, 3L)), "a's transaction is still open");
            Assert.That(committed.AbortedTransactions!.Select(t => (t.ProducerId, t.FirstOffset)), Is.EqualTo(new[] { (b, 1L) }));
            Assert.That(WriteMarker(c, topic, b, 0, commit: true, coordinatorEpoch: 1), Is.EqualTo(ErrorCode.TransactionCoordinatorFenced), "coordinator epoch remembered");
            Assert.That(WriteMarker(c, topic, a, 0, commit: true), Is.EqualTo(ErrorCode.None));
            Assert.That(Fetch(c, topic, 0, isolation: 1).LastStableOffset, Is.EqualTo(6));
        }

        Assert.That(ConsumeAll(broker.BootstrapServers, topic, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "p-0", "a-0", "p-1" }));
    }
}
