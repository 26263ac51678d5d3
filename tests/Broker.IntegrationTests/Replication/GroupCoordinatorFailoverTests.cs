using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// Committed offsets live in __consumer_offsets, replicated three times: when the group coordinator (the leader of the
/// group's offsets partition) dies with kill -9, another replica takes over and a new consumer in the group resumes
/// exactly at the committed offset.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class GroupCoordinatorFailoverTests : ReplicationTestBase
{
    private const int OffsetsPartitions = 5;

    [Test]
    public async Task KillNineOfTheGroupCoordinator_NewConsumerResumesFromTheCommittedOffset()
    {
        await StartClusterAsync(new Dictionary<string, string> { ["offsets.topic.num.partitions"] = OffsetsPartitions.ToString() });
        string topic = await CreateReplicatedTopicAsync("group-failover", 1);
        string group = "coordinator-failover";
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Cluster.Bootstrap, Acks = Acks.All }).Build())
        {
            for (int i = 0; i < 100; i++) producer.Produce(topic, new Message<Null, string> { Value = i.ToString() });
            Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.Zero, "all 100 records delivered");
        }

        int offsetsPartition = OffsetsPartitionFor(group);
        using (var first = NewConsumer(group))
        {
            first.Subscribe(topic);
            ConsumeResult<Ignore, string>? last = null;
            int consumed = 0;
            await Poll.UntilAsync(() =>
            {
                var r = first.Consume(TimeSpan.FromMilliseconds(200));
                if (r?.Message is not null && consumed < 60)
                {
                    consumed++;
                    last = r;
                }

                return consumed == 60;
            }, TimeSpan.FromSeconds(40), "the first consumer to read 60 records");
            // Commit only once the offsets partition is fully replicated, so the commit reaches every replica.
            await Cluster.WaitForFullIsrAsync("__consumer_offsets", OffsetsPartitions, TimeSpan.FromSeconds(40));
            first.Commit([new TopicPartitionOffset(last!.TopicPartition, last.Offset + 1)]);
            Note($"committed offset {last.Offset + 1} (offsets partition {offsetsPartition})");
            first.Close();
        }

        int coordinator = await Cluster.LeaderAsync("__consumer_offsets", offsetsPartition);
        Note($"kill -9 coordinator {coordinator}");
        Cluster.Broker(coordinator).Kill();
        int next = await Cluster.WaitForNewLeaderAsync("__consumer_offsets", offsetsPartition, coordinator);
        Note($"new coordinator {next}");

        using var second = NewConsumer(group);
        List<TopicPartitionOffset> committed = [];
        await Poll.UntilAsync(() =>
        {
            try
            {
                committed = second.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(5));
                return true;
            }
            catch (KafkaException)
            {
                return false; // the new coordinator may still be loading the group
            }
        }, TimeSpan.FromSeconds(40), "the committed offset to be readable from the new coordinator");
        second.Subscribe(topic);
        ConsumeResult<Ignore, string>? resumed = null;
        await Poll.UntilAsync(() => (resumed = second.Consume(TimeSpan.FromMilliseconds(200)))?.Message is not null,
            TimeSpan.FromSeconds(40), "the second consumer's first record");
        TestContext.Out.WriteLine($"[replication] coordinator {coordinator} killed, {next} took over; committed {committed.Single().Offset}, resumed at {resumed!.Offset}");
        Assert.Multiple(() =>
        {
            Assert.That(committed.Single().Offset.Value, Is.EqualTo(60), "committed offset read from the new coordinator");
            Assert.That(resumed.Offset.Value, Is.EqualTo(60), "first offset the new consumer reads");
            Assert.That(resumed.Message.Value, Is.EqualTo("60"));
        });
        second.Close();
    }

    private IConsumer<Ignore, string> NewConsumer(string group) =>
        new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = Cluster.RunningBootstrap, GroupId = group, EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, SessionTimeoutMs = 10_000,
        }).SetLogHandler((_, _) => { }).Build();

    /// <summary>Kafka's choice: abs(groupId.hashCode()) mod the offsets topic's partition count (Java's String.hashCode).</summary>
    private static int OffsetsPartitionFor(string group)
    {
        int hash = 0;
        foreach (char c in group) hash = unchecked(31 * hash + c);
        return (hash & 0x7fffffff) % OffsetsPartitions;
    }
}
