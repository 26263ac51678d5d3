using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;

namespace Broker.Cli.Tests.ConsumerGroups;

/// <summary>
/// <c>offsets.retention.minutes</c> end to end on a real broker: the committed offsets of an empty group expire after
/// the retention (1 minute, Kafka's minimum and ours: there is no shorter test-only setting), the group disappears
/// from <c>bin/consumer-groups.sh</c>, OffsetFetch answers -1, and the expiry is written to __consumer_offsets as
/// tombstones, so the cleaner removes the expired commit from the compacted topic.
/// </summary>
/// <remarks>
/// About 70 s, nearly all of it waiting for the retention. It lives in this project rather than
/// Broker.IntegrationTests because <c>dotnet test</c> runs two test projects at a time and the integration tests are
/// CI's longest project: here the minute overlaps them instead of adding to CI's wall time.
/// </remarks>
[TestFixture]
public sealed class OffsetsRetentionTests
{
    private const string Group = "retention-expiring";
    private const string Topic = "retention-topic";

    [Test]
    public async Task EmptyGroupsOffsets_ExpireAfterOffsetsRetentionMinutes_TheGroupDisappears_AndCompactionKeepsOnlyTombstones()
    {
        using var broker = new BrokerProcess(0, new Dictionary<string, string>
        {
            ["offsets.retention.minutes"] = "1",
            ["offsets.retention.check.interval.ms"] = "500",
            ["offsets.topic.num.partitions"] = "1",
            ["offsets.topic.replication.factor"] = "1",
            ["offsets.topic.segment.bytes"] = "16384",
            ["log.cleaner.backoff.ms"] = "100",
        });
        await broker.StartAsync();
        CliFixture.BuildCli();
        string bootstrap = broker.BootstrapServers;
        await GroupClients.CreateTopicAsync(bootstrap, Topic, 1);
        await GroupClients.ProduceAsync(bootstrap, Topic, 0, 3);
        var tp = new TopicPartition(Topic, 0);

        // A standalone commit: the group exists with offsets and no members (Empty) from the start.
        var committedAt = Stopwatch.StartNew();
        GroupClients.Commit(bootstrap, Group, new TopicPartitionOffset(tp, 2));
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Group }).Build();
        Assert.That(reader.Committed([tp], TimeSpan.FromSeconds(10)).Single().Offset.Value, Is.EqualTo(2));
        Assert.That((await Groups(bootstrap, "--list")).StandardOutput, Does.Contain(Group));

        // librdkafka reports OffsetFetch's -1 ("no committed offset") as Offset.Unset.
        await Poll.UntilAsync(() => reader.Committed([tp], TimeSpan.FromSeconds(10)).Single().Offset == Offset.Unset,
            TimeSpan.FromSeconds(150), "the committed offset to expire");
        TimeSpan expiredAfter = committedAt.Elapsed;
        TestContext.Out.WriteLine($"offsets expired {expiredAfter.TotalSeconds:F1} s after the commit");
        Assert.That(expiredAfter, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(59)), "not before offsets.retention.minutes=1");

        var list = await Groups(bootstrap, "--list");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.StandardError);
        Assert.That(list.StandardOutput, Does.Not.Contain(Group), "the group without offsets is removed");
        var describe = await Groups(bootstrap, "--describe", "--group", Group);
        Assert.That(describe.StandardError, Does.Contain($"Error: Consumer group '{Group}' does not exist."));

        // The expiry is in the log: the group's last records (its offset and its metadata) are tombstones.
        var records = ReadOffsetsTopic(bootstrap).Where(r => r.Group == Group).ToList();
        Assert.That(records.Count(r => r.Value is not null), Is.GreaterThanOrEqualTo(1), "the commit itself, still there before cleaning");
        var lastOffsetRecord = records.Last(r => r.IsOffsetKey);
        Assert.That(lastOffsetRecord.Value, Is.Null, "the offset of (group, topic, 0) is tombstoned");

        // Roll the tombstones out of the active segment (never cleaned) with another group's commits; the cleaner then
        // removes the expired commit and keeps the tombstones (delete.retention.ms has not passed).
        using (var filler = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "retention-filler" }).Build())
        {
            for (int i = 1; i <= 300; i++) filler.Commit([new TopicPartitionOffset(tp, i % 3)]);
        }

        long tombstoneOffset = lastOffsetRecord.Offset;
        await Poll.UntilAsync(() =>
        {
            var now = ReadOffsetsTopic(bootstrap).Where(r => r.Group == Group).ToList();
            return now.Count > 0 && now.All(r => r.Value is null);
        }, TimeSpan.FromSeconds(60), "the cleaner to leave only the group's tombstones");
        var cleaned = ReadOffsetsTopic(bootstrap).Where(r => r.Group == Group).ToList();
        Assert.That(cleaned.Where(r => r.IsOffsetKey).Select(r => r.Offset), Is.EqualTo(new[] { tombstoneOffset }),
            "one tombstone at its original offset for the expired (group, topic, partition)");
    }

    private static Task<ProcessResult> Groups(string bootstrap, params string[] args) =>
        ExternalProcess.RunAsync("bash", [RepoPaths.Bin("consumer-groups.sh"), "--bootstrap-server", bootstrap, .. args], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Every record of __consumer_offsets-0 up to its high watermark, with the group its key names.</summary>
    private static List<OffsetsTopicRecord> ReadOffsetsTopic(string bootstrap)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "retention-reader", EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var tp = new TopicPartition("__consumer_offsets", 0);
        long high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        List<OffsetsTopicRecord> records = [];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null || result.IsPartitionEOF) continue;
            records.Add(OffsetsTopicRecord.Parse(result.Offset.Value, result.Message.Key, result.Message.Value));
            if (result.Offset.Value + 1 >= high) return records;
        }

        throw new TimeoutException($"read {records.Count} records of __consumer_offsets below {high} in 30 s");
    }

    /// <summary>A __consumer_offsets record: key version 0/1 = offset (group, topic, partition), 2 = group metadata.</summary>
    private sealed record OffsetsTopicRecord(long Offset, short KeyVersion, string Group, byte[]? Value)
    {
        public bool IsOffsetKey => KeyVersion is 0 or 1;

        public static OffsetsTopicRecord Parse(long offset, byte[] key, byte[]? value)
        {
            short version = BinaryPrimitives.ReadInt16BigEndian(key);
            short length = BinaryPrimitives.ReadInt16BigEndian(key.AsSpan(2));
            return new OffsetsTopicRecord(offset, version, Encoding.UTF8.GetString(key, 4, length), value);
        }
    }
}
