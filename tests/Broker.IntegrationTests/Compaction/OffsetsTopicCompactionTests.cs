using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Compaction;

/// <summary>
/// __consumer_offsets is really compacted: a group committing thousands of times shrinks it to about one record per
/// (group, partition), and the committed offsets are intact after a kill -9 of the coordinator.
/// </summary>
[TestFixture]
public sealed class OffsetsTopicCompactionTests
{
    [Test]
    public async Task ManyCommits_ShrinkTheOffsetsTopic_OffsetsSurviveRestart()
    {
        using var broker = new BrokerProcess(0, new Dictionary<string, string>
        {
            ["offsets.topic.num.partitions"] = "1",
            ["offsets.topic.replication.factor"] = "1",
            ["offsets.topic.segment.bytes"] = "16384",
            ["log.cleaner.backoff.ms"] = "100",
        });
        await broker.StartAsync();
        const string topic = "committed";
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = "x" });
        }

        const int commits = 5000;
        var tp = new TopicPartition(topic, 0);
        var config = new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "committer", EnableAutoCommit = false };
        using (var consumer = new ConsumerBuilder<Null, string>(config).Build())
        {
            for (int i = 1; i <= commits; i++)
            {
                consumer.Commit([new TopicPartitionOffset(tp, i)]);
            }
        }

        string partitionDir = Path.Combine(broker.LogDir, "__consumer_offsets-0");
        long activeBase = Directory.GetFiles(partitionDir, "*.log").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f))).Max();
        Assert.That(activeBase, Is.GreaterThan(commits / 2), "offsets.topic.segment.bytes=16384 rolled the segments");
        List<long> offsets = [];
        // Below the active segment (never cleaned) one offset record for (committer, committed-0) and at most the
        // group's metadata record remain.
        await Poll.UntilAsync(async () => (offsets = await OffsetsAsync(broker.BootstrapServers)).Count(o => o < activeBase) <= 2, TimeSpan.FromSeconds(60),
            "the cleaner to compact __consumer_offsets");
        TestContext.Out.WriteLine($"__consumer_offsets records after {commits} commits: {offsets.Count} ({offsets.Count(o => o < activeBase)} below the active segment at {activeBase})");

        await broker.KillAndRestartAsync();
        using var after = new ConsumerBuilder<Null, string>(config).Build();
        List<TopicPartitionOffset> committed = [];
        await Poll.UntilAsync(() =>
        {
            try
            {
                committed = after.Committed([tp], TimeSpan.FromSeconds(5));
                return committed.Count == 1 && committed[0].Offset.Value >= 0;
            }
            catch (KafkaException)
            {
                return false; // Coordinator still loading.
            }
        }, TimeSpan.FromSeconds(60), "the committed offset after the restart");
        Assert.That(committed[0].Offset.Value, Is.EqualTo(commits));
    }

    [Test]
    public async Task HundredThousandCommits_ShrinkToAboutOneRecordPerGroupPartition_OffsetsIntactAfterRestart()
    {
        const int partitions = 8;
        const int commitsPerPartition = 12_500; // 100,000 commits in all
        using var broker = new BrokerProcess(0, new Dictionary<string, string>
        {
            ["offsets.topic.num.partitions"] = "1",
            ["offsets.topic.replication.factor"] = "1",
            ["offsets.topic.segment.bytes"] = "1048576",
            ["log.cleaner.backoff.ms"] = "100",
        });
        await broker.StartAsync();
        const string topic = "committed-100k";
        using (var admin = new Confluent.Kafka.AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        }

        // 100,000 offset commits, each its own record in __consumer_offsets (what compaction must shrink), sent as
        // 12,500 OffsetCommit requests of all 8 partitions: the same records as 100,000 one-partition requests, with an
        // eighth of the round trips (CI time: 100,000 requests took 12-44 s).
        var config = new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "committer-100k", EnableAutoCommit = false };
        var all = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var consumer = new ConsumerBuilder<Null, string>(config).Build())
        {
            for (int i = 1; i <= commitsPerPartition; i++)
            {
                int offset = i;
                consumer.Commit(all.Select(tp => new TopicPartitionOffset(tp, offset)));
            }
        }

        TimeSpan committing = watch.Elapsed;

        string partitionDir = Path.Combine(broker.LogDir, "__consumer_offsets-0");
        long activeBase = Directory.GetFiles(partitionDir, "*.log").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f))).Max();
        Assert.That(activeBase, Is.GreaterThan(50_000), "the commits filled several segments");
        List<long> offsets = [];
        await Poll.UntilAsync(async () => (offsets = await OffsetsAsync(broker.BootstrapServers)).Count(o => o < activeBase) <= partitions + 1, TimeSpan.FromSeconds(60),
            "the cleaner to leave about one record per (group, partition) below the active segment");
        TimeSpan cleaned = watch.Elapsed;
        TestContext.Out.WriteLine($"100,000 commits in {committing.TotalSeconds:F1} s; __consumer_offsets below the active segment ({activeBase}) compacted to " +
            $"{offsets.Count(o => o < activeBase)} records after {cleaned.TotalSeconds:F1} s; {offsets.Count} records in all");

        await broker.KillAndRestartAsync();
        using var after = new ConsumerBuilder<Null, string>(config).Build();
        List<TopicPartitionOffset> committed = [];
        await Poll.UntilAsync(() =>
        {
            try
            {
                committed = after.Committed(all, TimeSpan.FromSeconds(5));
                return committed.Count == partitions && committed.All(c => c.Offset.Value >= 0);
            }
            catch (KafkaException)
            {
                return false; // Coordinator still loading.
            }
        }, TimeSpan.FromSeconds(60), "the committed offsets after the restart");
        Assert.That(committed.Select(c => c.Offset.Value), Is.All.EqualTo(commitsPerPartition));
    }

    private static async Task<List<long>> OffsetsAsync(string bootstrap)
    {
        var result = await ExternalProcess.RunAsync("kcat", ["-b", bootstrap, "-t", "__consumer_offsets", "-C", "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%o\\n"]);
        return result.ExitCode == 0
            ? [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)]
            : [long.MinValue, long.MinValue, long.MinValue];
    }
}
