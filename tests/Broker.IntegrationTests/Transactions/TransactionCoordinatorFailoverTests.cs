using Broker.IntegrationTests.Replication;
using Broker.Server.Groups;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Transactions;

/// <summary>
/// kill -9 of the transaction coordinator's broker mid-transaction (3 brokers, __transaction_state replicated three
/// times): the producer finds the new coordinator, which loaded the id's state from its replica, and commits; the
/// records are delivered.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class TransactionCoordinatorFailoverTests : ReplicationTestBase
{
    private const int StatePartitions = 3;

    [Test]
    public async Task KillNineOfTheCoordinator_MidTransaction_TheProducerCommitsThroughTheNewOne()
    {
        await StartClusterAsync(new Dictionary<string, string>
        {
            ["transaction.state.log.num.partitions"] = StatePartitions.ToString(),
            ["transaction.state.log.replication.factor"] = "3",
            ["transaction.state.log.min.isr"] = "2",
        });
        string topic = await CreateReplicatedTopicAsync("txn-failover", 1);
        string txnId = $"failover-{Guid.NewGuid():N}";
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = Cluster.Bootstrap, TransactionalId = txnId, TransactionTimeoutMs = 60000,
        }).SetLogHandler((_, _) => { }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        int statePartition = GroupPartitioner.PartitionFor(txnId, StatePartitions);
        await Cluster.WaitForFullIsrAsync("__transaction_state", StatePartitions, TimeSpan.FromSeconds(40));
        producer.BeginTransaction();
        for (int i = 0; i < 5; i++) await producer.ProduceAsync(topic, new Message<Null, string> { Value = $"v{i}" });

        int coordinator = await Cluster.LeaderAsync("__transaction_state", statePartition);
        Note($"kill -9 transaction coordinator {coordinator}");
        Cluster.Broker(coordinator).Kill();
        int next = await Cluster.WaitForNewLeaderAsync("__transaction_state", statePartition, coordinator);
        Note($"new coordinator {next}");

        producer.CommitTransaction(TimeSpan.FromSeconds(60));

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = Cluster.RunningBootstrap, GroupId = $"reader-{Guid.NewGuid():N}", EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        await Poll.UntilAsync(() =>
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is not null) values.Add(r.Message.Value);
            return values.Count >= 5;
        }, TimeSpan.FromSeconds(40), "the transaction's records");
        TestContext.Out.WriteLine($"[transactions] coordinator {coordinator} killed, {next} took over; committed {values.Count} records");
        Assert.That(values, Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"v{i}")));
    }
}
