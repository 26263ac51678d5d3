using Broker.IntegrationTests.Replication;
using Broker.IntegrationTests.Wire;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Confluent.Kafka;
using static Broker.IntegrationTests.Transactions.TransactionWire;
using ErrorCode = Broker.Protocol.ErrorCode;

namespace Broker.IntegrationTests.Transactions;

/// <summary>
/// Followers rebuild the leader's transaction state (open transactions, aborted-transaction index, coordinator epochs)
/// from the batches they copy, so after a leader change on three brokers the new leader holds the same last stable
/// offset and aborted list, and takes the open transaction's marker.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class TransactionLeaderChangeTests : ReplicationTestBase
{
    [Test]
    public async Task LeaderChange_NewLeaderKeepsOpenTransactionAndAborts()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("txn-failover", 1);
        await Cluster.WaitForFullIsrAsync(topic, 1);
        int leader = await Cluster.LeaderAsync(topic, 0);
        long a, b;
        using (var c = new RawConnection(Cluster.Broker(leader).Port))
        {
            a = c.RoundTrip<InitProducerIdResponse>(new InitProducerIdRequest { TransactionTimeoutMs = -1 }, 4).ProducerId;
            b = c.RoundTrip<InitProducerIdResponse>(new InitProducerIdRequest { TransactionTimeoutMs = -1 }, 4).ProducerId;
            Assert.That(ProduceTxn(c, topic, PlainBatch("p-0"), transactionalId: null).Error, Is.EqualTo(ErrorCode.None));
            Assert.That(ProduceTxn(c, topic, TxnBatch(b, 0, 0, "b-0")).Error, Is.EqualTo(ErrorCode.None));
            Assert.That(WriteMarker(c, topic, b, 0, commit: false, coordinatorEpoch: 4), Is.EqualTo(ErrorCode.None));
            Assert.That(ProduceTxn(c, topic, TxnBatch(a, 0, 0, "a-0")).Error, Is.EqualTo(ErrorCode.None));
            Assert.That(ProduceTxn(c, topic, PlainBatch("p-1"), transactionalId: null).Error, Is.EqualTo(ErrorCode.None));
        }

        // Every replica has everything before the leader goes (controlled shutdown moves leadership to an ISR member).
        await Cluster.WaitForFullIsrAsync(topic, 1);
        Note($"stopping leader {leader}");
        Assert.That(Cluster.Broker(leader).Stop(), Is.EqualTo(0));
        int next = await Cluster.WaitForNewLeaderAsync(topic, 0, leader);
        Note($"new leader {next}");

        using (var c = new RawConnection(Cluster.Broker(next).Port))
        {
            FetchResponse.PartitionData committed = null!;
            await Poll.UntilAsync(() =>
            {
                committed = Fetch(c, topic, 0, isolation: 1);
                return committed.ErrorCode == 0 && committed.HighWatermark == 5;
            }, TimeSpan.FromSeconds(20), "the new leader's high watermark reaches 5");
            Assert.That(committed.LastStableOffset, Is.EqualTo(3), "a's transaction is still open on the new leader");
            Assert.That(committed.AbortedTransactions!.Select(t => (t.ProducerId, t.FirstOffset)), Is.EqualTo(new[] { (b, 1L) }));
            Assert.That(WriteMarker(c, topic, b, 0, commit: true, coordinatorEpoch: 3), Is.EqualTo(ErrorCode.TransactionCoordinatorFenced));
            Assert.That(WriteMarker(c, topic, a, 0, commit: true, coordinatorEpoch: 4), Is.EqualTo(ErrorCode.None));
        }

        string bootstrap = string.Join(",", Cluster.Brokers.Where(x => x.IsRunning).Select(x => x.BootstrapServers));
        Assert.That(ConsumeAll(bootstrap, topic, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "p-0", "a-0", "p-1" }));
    }
}
