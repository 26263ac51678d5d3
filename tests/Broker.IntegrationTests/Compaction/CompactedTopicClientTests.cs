using System.Text;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Compaction;

/// <summary>
/// A keyed topic with cleanup.policy=compact and small segments, written by Confluent.Kafka (idempotent) and kcat
/// (including -Z null tombstones): once the broker's cleaner has run, a consumer from the beginning reads exactly one
/// record per live key, with its latest value at its original offset; deleted keys are gone. The same holds after a
/// kill -9 and restart.
/// </summary>
[TestFixture]
public sealed class CompactedTopicClientTests : SingleBrokerFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["log.cleaner.backoff.ms"] = "100",
        ["log.retention.check.interval.ms"] = "200",
    };

    [Test]
    public async Task ConfluentAndKcatWrites_AfterCleaning_OneRecordPerLiveKeyAtItsOriginalOffset()
    {
        string topic = UniqueTopic("compacted");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new Dictionary<string, string>
                {
                    ["cleanup.policy"] = "compact", ["segment.bytes"] = "4096", ["min.cleanable.dirty.ratio"] = "0.01",
                    ["delete.retention.ms"] = "0", ["retention.ms"] = "1",
                },
            }]);
        }

        // Confluent.Kafka, idempotent: 5 rounds over 100 keys.
        var config = new ProducerConfig { BootstrapServers = Bootstrap, EnableIdempotence = true, Acks = Acks.All, LingerMs = 5 };
        using (var producer = new ProducerBuilder<string, string>(config).Build())
        {
            for (int round = 0; round < 5; round++)
            {
                for (int k = 0; k < 100; k++)
                {
                    producer.Produce(topic, new Message<string, string> { Key = $"key-{k}", Value = $"cf-{round}-{k}" });
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }
        }

        // kcat: new values for keys 0..29, tombstones (-Z: empty value is null) for keys 30..39.
        var lines = new StringBuilder();
        for (int k = 0; k < 30; k++) lines.Append($"key-{k}:kcat-{k}\n");
        for (int k = 30; k < 40; k++) lines.Append($"key-{k}:\n");
        var kcat = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-P", "-p", "0", "-K", ":", "-Z"], Encoding.UTF8.GetBytes(lines.ToString()));
        Assert.That(kcat.ExitCode, Is.EqualTo(0), kcat.StandardError);

        // Unique filler keys so every overwritten record ends up in a closed (cleanable) segment.
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Bootstrap }).Build())
        {
            for (int i = 0; i < 120; i++) producer.Produce(topic, new Message<string, string> { Key = $"filler-{i}", Value = new string('f', 60) });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        // The cleaner may already have run (it is quick on an idle machine), but it never removes a key's latest record:
        // the latest record per key read now is the one that must survive, at this offset.
        List<Rec> written = ReadAll(topic);
        Assert.That(written, Has.Count.InRange(90 + 120, 500 + 40 + 120), "the records written (some may already be cleaned)");
        List<Rec> expected = [.. written.GroupBy(r => r.Key).Select(g => g.Last()).Where(r => r.Value is not null).OrderBy(r => r.Offset)];
        Assert.That(expected, Has.Count.EqualTo(90 + 120));
        Assert.That(expected.Where(r => !r.Key.StartsWith("filler-", StringComparison.Ordinal)).Select(r => (r.Key, r.Value)),
            Is.EquivalentTo(Enumerable.Range(0, 30).Select(k => ($"key-{k}", (string?)$"kcat-{k}"))
                .Concat(Enumerable.Range(40, 60).Select(k => ($"key-{k}", (string?)$"cf-4-{k}")))),
            "each live key's latest value: kcat's for keys 0-29, the last Confluent round for 40-99");

        List<Rec> after = [];
        await Poll.UntilAsync(() => (after = ReadAll(topic)).SequenceEqual(expected), Bound,
            "the cleaner to leave one record per live key (tombstones removed after delete.retention.ms=0)");
        Assert.That(after.Zip(after.Skip(1)).Any(p => p.Second.Offset > p.First.Offset + 1), Is.True, "gaps: offsets are original");
        Assert.That(after.Where(r => r.Key.StartsWith("key-", StringComparison.Ordinal) && int.Parse(r.Key[4..]) < 30).Select(r => r.Value),
            Is.All.StartsWith("kcat-"));

        // kcat reads the compacted log (gaps, rebuilt batches) the same way.
        var consume = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-C", "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%o %k %s\\n"]);
        Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
        Assert.That(consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(expected.Select(r => $"{r.Offset} {r.Key} {r.Value}")));

        // kill -9 and restart: recovery scans the compacted segments (gaps) and keeps them as they are.
        await Broker.KillAndRestartAsync();
        Assert.That(ReadAll(topic), Is.EqualTo(expected));
    }

    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public async Task CompressedWrites_AfterCleaning_OneRecordPerLiveKeyAtItsOriginalOffset(CompressionType codec)
    {
        string topic = UniqueTopic("compacted-" + codec.ToString().ToLowerInvariant());
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new Dictionary<string, string>
                {
                    ["cleanup.policy"] = "compact", ["segment.bytes"] = "4096", ["min.cleanable.dirty.ratio"] = "0.01",
                },
            }]);
        }

        // Every batch is compressed (idempotent producer, one batch per flushed round): the cleaner must open them.
        var config = new ProducerConfig
        {
            BootstrapServers = Bootstrap, EnableIdempotence = true, Acks = Acks.All, LingerMs = 20, CompressionType = codec,
        };
        using (var producer = new ProducerBuilder<string, string>(config).Build())
        {
            for (int round = 0; round < 6; round++)
            {
                for (int k = 0; k < 80; k++)
                {
                    producer.Produce(topic, new Message<string, string> { Key = $"key-{k}", Value = $"{codec}-{round}-{k}-" + new string('v', 40) });
                }

                producer.Flush(TimeSpan.FromSeconds(30));
            }

            // Unique filler keys so the overwritten records end up in closed (cleanable) segments.
            for (int i = 0; i < 200; i++) producer.Produce(topic, new Message<string, string> { Key = $"filler-{i}", Value = Guid.NewGuid() + "-" + i });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        List<Rec> written = ReadAll(topic);
        List<Rec> expected = [.. written.GroupBy(r => r.Key).Select(g => g.Last()).OrderBy(r => r.Offset)];
        Assert.That(expected, Has.Count.EqualTo(80 + 200));
        Assert.That(expected.Where(r => r.Key.StartsWith("key-", StringComparison.Ordinal)).Select(r => r.Value), Is.All.StartsWith($"{codec}-5-"));

        List<Rec> after = [];
        await Poll.UntilAsync(() => (after = ReadAll(topic)).Where(r => r.Key.StartsWith("key-", StringComparison.Ordinal)).Select(r => r.Key).Distinct().Count()
                == after.Count(r => r.Key.StartsWith("key-", StringComparison.Ordinal)),
            Bound, "the cleaner to leave one record per key inside the compressed batches");
        Assert.That(after, Is.EqualTo(expected), "exactly the latest record of each key, at its original offset");
        Assert.That(after[0].Offset, Is.EqualTo(5 * 80), "the first live record keeps its offset after the five removed rounds");

        // kcat (librdkafka's own decoders) reads the recompressed batches the same way.
        var consume = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-C", "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%o %k %s\\n"]);
        Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
        Assert.That(consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(expected.Select(r => $"{r.Offset} {r.Key} {r.Value}")));
    }

    private List<Rec> ReadAll(string topic) => PartitionReader.ReadAll(new ConsumerConfig { BootstrapServers = Bootstrap }, topic);
}
