using Broker.Server.Groups;
using Broker.Server.Transactions;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Transactions;

/// <summary>
/// Confluent.Kafka's transactional producer against one real broker: the transaction coordinator (InitProducerId with
/// a transactional id, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn), the markers it sends to the
/// partition leader, zombie fencing and the timeout abort, observed through the clients and through
/// <c>__transaction_state</c> decoded with Kafka's record format.
/// </summary>
[TestFixture]
public sealed class TransactionalProducerTests : SingleBrokerFixture
{
    private const int StatePartitions = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["transaction.state.log.replication.factor"] = "1",
        ["transaction.state.log.min.isr"] = "1",
        ["transaction.state.log.num.partitions"] = StatePartitions.ToString(),
        ["offsets.topic.replication.factor"] = "1",
        ["offsets.topic.num.partitions"] = "3",
        ["transaction.abort.timed.out.transaction.cleanup.interval.ms"] = "300",
        ["group.initial.rebalance.delay.ms"] = "0",
    };

    [Test]
    public async Task Commit_RecordsAreDelivered_AndTheOffsetsCommitWithTheTransaction()
    {
        string topic = await CreateTopicAsync("txn-commit");
        string txnId = $"commit-{Guid.NewGuid():N}";
        string group = $"txn-group-{Guid.NewGuid():N}";
        using var producer = NewProducer(txnId, 30000);
        producer.InitTransactions(Wait);
        producer.BeginTransaction();
        for (int i = 0; i < 10; i++) producer.Produce(topic, new Message<Null, string> { Value = $"v{i}" });
        producer.SendOffsetsToTransaction([new TopicPartitionOffset(topic, 0, 42)], GroupMetadata(group), Wait);

        producer.CommitTransaction(Wait);

        var states = await StatesUntilAsync(txnId, v => v.State == TransactionState.CompleteCommit);
        Assert.That(states.Select(s => s.State), Is.SupersetOf(new[] { TransactionState.Empty, TransactionState.Ongoing, TransactionState.PrepareCommit, TransactionState.CompleteCommit }));
        var prepared = states.Last(s => s.State == TransactionState.PrepareCommit);
        Assert.That(prepared.Partitions.Select(p => p.Topic), Is.EquivalentTo(new[] { topic, LocalOffsetsTopic.TopicName }));
        Assert.That(prepared.TimeoutMs, Is.EqualTo(30000));
        await Poll.UntilAsync(() => CommittedOffset(group, topic) == 42, Wait, "the transaction's offset committed");
        Assert.That(ConsumeValues(topic, 10), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"v{i}")));
    }

    [Test]
    public async Task Abort_TheOffsetsAreNotCommitted()
    {
        string topic = await CreateTopicAsync("txn-abort");
        string txnId = $"abort-{Guid.NewGuid():N}";
        string group = $"txn-group-{Guid.NewGuid():N}";
        using var producer = NewProducer(txnId, 30000);
        producer.InitTransactions(Wait);
        producer.BeginTransaction();
        producer.Produce(topic, new Message<Null, string> { Value = "aborted" });
        producer.SendOffsetsToTransaction([new TopicPartitionOffset(topic, 0, 7)], GroupMetadata(group), Wait);

        producer.AbortTransaction(Wait);

        await StatesUntilAsync(txnId, v => v.State == TransactionState.CompleteAbort);
        Assert.That(CommittedOffset(group, topic), Is.EqualTo(Offset.Unset.Value), "an aborted transaction's offsets stay invisible");
        producer.BeginTransaction();
        producer.Produce(topic, new Message<Null, string> { Value = "next" });
        producer.CommitTransaction(Wait);
        await StatesUntilAsync(txnId, v => v.State == TransactionState.CompleteCommit);
        Assert.That(ConsumeValues(topic, 1, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "next" }), "read_committed sees only the committed record");
    }

    [Test]
    public async Task ASecondProducerWithTheSameId_FencesTheFirst()
    {
        string topic = await CreateTopicAsync("txn-zombie");
        string txnId = $"zombie-{Guid.NewGuid():N}";
        using var zombie = NewProducer(txnId, 30000);
        zombie.InitTransactions(Wait);
        zombie.BeginTransaction();
        await zombie.ProduceAsync(topic, new Message<Null, string> { Value = "zombie" });

        using var successor = NewProducer(txnId, 30000);
        successor.InitTransactions(Wait);

        var states = await StatesUntilAsync(txnId, v => v.State == TransactionState.Empty && v.ProducerEpoch >= 2);
        Assert.That(states.Any(s => s.State == TransactionState.CompleteAbort), "the zombie's open transaction was aborted");
        var e = Assert.Throws<KafkaException>(() => zombie.CommitTransaction(Wait));
        TestContext.Out.WriteLine($"zombie commit: {e!.Error.Code} fatal={e.Error.IsFatal} {e.Error.Reason}");
        Assert.That(e.Error.Code, Is.AnyOf(ErrorCode.ProducerFenced, ErrorCode.Local_Fenced, ErrorCode.InvalidProducerEpoch));
        successor.BeginTransaction();
        successor.Produce(topic, new Message<Null, string> { Value = "successor" });
        successor.CommitTransaction(Wait);
    }

    [Test]
    public async Task AProducerThatStopsMidTransaction_IsAbortedAfterItsTimeout()
    {
        string topic = await CreateTopicAsync("txn-timeout");
        string txnId = $"timeout-{Guid.NewGuid():N}";
        using var producer = NewProducer(txnId, 1500);
        producer.InitTransactions(Wait);
        producer.BeginTransaction();
        await producer.ProduceAsync(topic, new Message<Null, string> { Value = "left open" });
        var started = DateTime.UtcNow;

        var states = await StatesUntilAsync(txnId, v => v.State == TransactionState.CompleteAbort);

        TestContext.Out.WriteLine($"aborted {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms after the produce");
        var ongoing = states.First(s => s.State == TransactionState.Ongoing);
        var abort = states.First(s => s.State == TransactionState.PrepareAbort);
        Assert.That(abort.LastUpdateMs - ongoing.StartMs, Is.GreaterThanOrEqualTo(1500), "not aborted before transaction.timeout.ms");
        Assert.That(abort.ProducerEpoch, Is.EqualTo((short)(ongoing.ProducerEpoch + 1)), "the abort fences the producer's epoch");
        var e = Assert.Throws<KafkaException>(() => producer.CommitTransaction(Wait));
        TestContext.Out.WriteLine($"commit after the timeout: {e!.Error.Code} {e.Error.Reason}");
    }

    /// <summary>The group's metadata as a consumer of it reports it (not joined: generation -1, as a standalone commit).</summary>
    private IConsumerGroupMetadata GroupMetadata(string group)
    {
        var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group }).Build();
        _disposables.Add(consumer);
        return consumer.ConsumerGroupMetadata;
    }

    private readonly List<IDisposable> _disposables = [];

    [TearDown]
    public void DisposeConsumers()
    {
        foreach (var d in _disposables) d.Dispose();
        _disposables.Clear();
    }

    private IProducer<Null, string> NewProducer(string transactionalId, int timeoutMs) =>
        new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = Bootstrap,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = timeoutMs,
            SocketTimeoutMs = Math.Min(10000, timeoutMs),
        }).Build();

    private async Task<string> CreateTopicAsync(string prefix)
    {
        string topic = UniqueTopic(prefix);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        return topic;
    }

    private long CommittedOffset(string group, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group }).Build();
        return consumer.Committed([new Confluent.Kafka.TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }

    private List<string> ConsumeValues(string topic, int count, IsolationLevel isolation = IsolationLevel.ReadUncommitted)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap, GroupId = $"reader-{Guid.NewGuid():N}", EnableAutoCommit = false, IsolationLevel = isolation,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + Wait;
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is not null) values.Add(r.Message.Value);
        }

        // Anything more (an aborted record a read_committed consumer must not see) within a short extra wait.
        var extra = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
        while (DateTime.UtcNow < extra)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message is not null) values.Add(r.Message.Value);
        }

        return values;
    }

    /// <summary>Reads the id's records from its __transaction_state partition (Kafka's format) until one matches.</summary>
    private async Task<List<TransactionLogValue>> StatesUntilAsync(string txnId, Func<TransactionLogValue, bool> done)
    {
        int partition = GroupPartitioner.PartitionFor(txnId, StatePartitions);
        var states = new List<TransactionLogValue>();
        await Poll.UntilAsync(() =>
        {
            states = ReadStates(txnId, partition);
            return states.Any(done);
        }, Wait, $"a matching __transaction_state record for {txnId}; seen: {string.Join(", ", states.Select(s => $"{s.State}/{s.ProducerEpoch}"))}");
        return states;
    }

    private List<TransactionLogValue> ReadStates(string txnId, int partition)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = $"state-{Guid.NewGuid():N}", EnableAutoCommit = false }).Build();
        var tp = new Confluent.Kafka.TopicPartition(TransactionStateTopic.TopicName, partition);
        long end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var result = new List<TransactionLogValue>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long position = 0;
        while (position < end && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is null) continue;
            position = r.Offset.Value + 1;
            if (TransactionLogCodec.DecodeKey(r.Message.Key) == txnId && r.Message.Value is not null)
                result.Add(TransactionLogCodec.DecodeValue(r.Message.Value));
        }

        return result;
    }
}
