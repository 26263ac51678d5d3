using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Compaction;

/// <summary>
/// kill -9 of a broker process while its cleaner is writing a cleaned segment (throttled by
/// log.cleaner.io.max.bytes.per.second so the moment is caught): after a restart no record is lost or duplicated, and
/// the unthrottled cleaner then finishes with exactly one record per key.
/// </summary>
[TestFixture]
public sealed class CleanerKillNineTests
{
    [Test]
    public async Task KillNine_WhileCleaning_RestartLosesAndDuplicatesNothing()
    {
        var settings = new Dictionary<string, string>
        {
            ["log.cleaner.backoff.ms"] = "100",
            ["log.cleaner.io.max.bytes.per.second"] = "200000",
            ["log.cleaner.io.buffer.size"] = "16384",
        };
        using var broker = new BrokerProcess(0, settings);
        await broker.StartAsync();
        const string topic = "compacted-crash";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = 1,
                // Written as a delete-policy topic, switched to compact once every record is in: a cleaner running during
                // the writes cleaned each segment as it rolled and could be done before the kill's poll started (a
                // fresh-clone CI run waited 60 s for a .cleaned file that never came again).
                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "delete", ["segment.bytes"] = "131072", ["min.cleanable.dirty.ratio"] = "0.01" },
            }]);
        }

        const int keys = 300;
        var written = new List<(long Offset, string Key, string Value)>();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 }).Build())
        {
            for (int i = 0; i < 12_000; i++)
            {
                string key = $"key-{i % keys}";
                string value = $"v{i}-" + new string('x', 80);
                producer.Produce(topic, new Message<string, string> { Key = key, Value = value }, r =>
                {
                    if (r.Error.Code == ErrorCode.NoError) lock (written) written.Add((r.Offset.Value, key, value));
                });
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        Assert.That(written, Has.Count.EqualTo(12_000));
        var original = written.ToDictionary(w => w.Offset);
        var latest = written.GroupBy(w => w.Key).Select(g => g.MaxBy(w => w.Offset)).ToList();
        string partitionDir = Path.Combine(broker.LogDir, topic + "-0");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                    [new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Set }],
            });
        }

        // The throttled cleaner is writing its first cleaned segment: kill -9 now.
        await Poll.UntilAsync(() => Directory.GetFiles(partitionDir, "*.cleaned").Any(f => new FileInfo(f).Length > 0), TimeSpan.FromSeconds(60),
            "the cleaner to be writing a .cleaned segment");
        broker.Kill();
        TestContext.Out.WriteLine("files at the kill: " + string.Join(", ", Directory.GetFiles(partitionDir).Select(Path.GetFileName).Order()));

        File.WriteAllLines(broker.ConfigPath, File.ReadAllLines(broker.ConfigPath).Where(l => !l.StartsWith("log.cleaner.io.max.bytes.per.second", StringComparison.Ordinal)));
        await broker.StartAsync();
        List<(long Offset, string Key, string Value)> afterRestart = ReadAll(broker.BootstrapServers, topic);
        Assert.That(afterRestart.Select(r => r.Offset), Is.Unique.And.Ordered);
        Assert.That(afterRestart.All(r => original.TryGetValue(r.Offset, out var o) && o == r), Is.True, "only original records, at their offsets");
        foreach (var l in latest)
        {
            Assert.That(afterRestart.Count(r => r == l), Is.EqualTo(1), $"latest value of {l.Key}");
        }

        // The cleaner finishes: one record per key below the active segment (which is never cleaned), each key's last the latest.
        List<(long Offset, string Key, string Value)> clean = [];
        long activeBase = Directory.GetFiles(partitionDir, "*.log").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f))).Max();
        await Poll.UntilAsync(() => (clean = ReadAll(broker.BootstrapServers, topic)).Count(r => r.Offset < activeBase) == keys, TimeSpan.FromSeconds(60),
            "the cleaner to leave one record per key below the active segment");
        var latestByKey = latest.ToDictionary(l => l.Key);
        Assert.That(clean.All(r => original[r.Offset] == r), Is.True);
        Assert.That(clean.GroupBy(r => r.Key).Select(g => g.Last()).All(r => latestByKey[r.Key] == r), Is.True);
        TestContext.Out.WriteLine($"records after cleaning: {clean.Count} for {keys} keys; files: {string.Join(", ", Directory.GetFiles(partitionDir).Select(Path.GetFileName).Order())}");
    }

    private static List<(long Offset, string Key, string Value)> ReadAll(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "unused-" + Guid.NewGuid(), EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        var tp = new TopicPartition(topic, 0);
        long high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var records = new List<(long, string, string)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                if (consumer.Position(tp).Value >= high) break;
                continue;
            }

            records.Add((result.Offset.Value, result.Message.Key, result.Message.Value));
            if (result.Offset.Value >= high - 1) break;
        }

        return records;
    }
}
