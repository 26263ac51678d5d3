using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Protocol.Tests.TestSupport;
using static Broker.Protocol.Tests.TestSupport.HostileBatches;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12, batches Kafka's LogValidator refuses, sent as raw Produce frames to a real broker process: each gets
/// Kafka's error code, the same connection keeps working, and another connection sees nothing appended (a consumer
/// could otherwise stall on the stored batch and ListOffsets by timestamp would fail on it).
/// </summary>
[TestFixture]
public sealed class HostileBatchTests : SingleBrokerFixture
{
    /// <summary>16 KiB batches: the decompression budget is 64 times that, 1 MiB.</summary>
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["message.max.bytes"] = "16384",
    };

    private RawConnection Connect() => new(Broker.Port);

    private static IEnumerable<TestCaseData> Refused()
    {
        yield return Case("count above the records present", Batch(HostileBatches.Records(2), 3), ErrorCode.InvalidRecord);
        yield return Case("count below the records present", Batch(HostileBatches.Records(3), 2), ErrorCode.InvalidRecord);
        yield return Case("record length varint overflow", Batch([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, .. Record()[1..]], 1), ErrorCode.InvalidRecord);
        yield return Case("record length beyond the batch", Batch(Record(lengthOverride: int.MaxValue), 1), ErrorCode.InvalidRecord);
        yield return Case("negative key length", Batch(Record(keyLength: -5), 1), ErrorCode.InvalidRecord);
        yield return Case("trailing garbage inside the batch", Batch([.. HostileBatches.Records(2), 0xDE, 0xAD, 0xBE, 0xEF], 2), ErrorCode.InvalidRecord);
        yield return Case("offset delta out of order", Batch([.. Record(offsetDelta: 1), .. Record(offsetDelta: 0)], 2), ErrorCode.InvalidRecord);
        yield return Case("control batch from a client", Batch(HostileBatches.Records(1), 1, flags: 0x20), ErrorCode.InvalidRecord);
        yield return Case("transactional batch without a transactional id", Batch(HostileBatches.Records(1), 1, flags: 0x10, producerId: 7, producerEpoch: 0, baseSequence: 0), ErrorCode.TransactionalIdAuthorizationFailed);
        yield return Case("producer id without a sequence", Batch(HostileBatches.Records(1), 1, producerId: 7, producerEpoch: 0, baseSequence: -1), ErrorCode.InvalidRecord);
        yield return Case("LogAppendTime set by the producer", Batch(HostileBatches.Records(1), 1, flags: 0x08), ErrorCode.InvalidTimestamp);
        foreach (var codec in new[] { CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
        {
            var garbage = new byte[400];
            new Random((int)codec).NextBytes(garbage);
            yield return Case($"garbage {codec} payload", Batch(garbage, 4, (int)codec), ErrorCode.InvalidRecord);
        }

        yield return Case("unknown codec id 5", Batch(HostileBatches.Records(1), 1, codecId: 5), ErrorCode.InvalidRecord);
        yield return Case("unknown codec id 7", Batch(HostileBatches.Records(1), 1, codecId: 7), ErrorCode.InvalidRecord);
        yield return Case("lz4 decompression bomb", Bomb(CompressionType.Lz4, 3 << 20), ErrorCode.MessageTooLarge, "decompresses to more than");
        yield return Case("zstd decompression bomb", Bomb(CompressionType.Zstd, 64 << 20), ErrorCode.MessageTooLarge, "decompresses to more than");
        yield return Case("gzip decompression bomb", Bomb(CompressionType.Gzip, 2 << 20), ErrorCode.MessageTooLarge, "decompresses to more than");
    }

    private static TestCaseData Case(string name, byte[] batch, ErrorCode expected, string? why = null) =>
        new TestCaseData(batch, expected, why).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Refused))]
    public void HostileBatch_GetsKafkasError_AndNothingIsAppended(byte[] batch, ErrorCode expected, string? why)
    {
        string topic = CreateTopic("hostile");
        using var c = Connect();
        var answer = c.RoundTrip<ProduceResponse>(ProduceRequestFor(topic, batch), 9).Responses.Single().PartitionResponses.Single();

        Assert.That((ErrorCode)answer.ErrorCode, Is.EqualTo(expected), answer.ErrorMessage);
        Assert.That(answer.BaseOffset, Is.EqualTo(-1));
        if (why is not null) Assert.That(answer.ErrorMessage, Does.Contain(why));
        // The same connection still answers, ListOffsets by timestamp included; another sees an empty partition.
        Assert.That(ListOffset(c, topic, HostileBatches.Timestamp), Is.EqualTo(-1));
        using var other = Connect();
        Assert.That(ListOffset(other, topic, -1), Is.EqualTo(0));
    }

    [TestCase((byte)0)]
    [TestCase((byte)1)]
    [TestCase((byte)3)]
    public void OtherMagic_GetsInvalidRecord87(byte magic)
    {
        string topic = CreateTopic("magic");
        byte[] batch = new RecordBatchBuilder().Add("k", "v").Build();
        batch[16] = magic;
        using var c = Connect();
        var answer = c.RoundTrip<ProduceResponse>(ProduceRequestFor(topic, batch), 9).Responses.Single().PartitionResponses.Single();
        Assert.That((ErrorCode)answer.ErrorCode, Is.EqualTo(ErrorCode.InvalidRecord));
        Assert.That(ListOffset(c, topic, -1), Is.EqualTo(0));
    }

    [Test]
    public void SamePartitionTwiceInOneProduce_KeepsOnlyTheLastEntry_AsKafka()
    {
        string topic = CreateTopic("twice");
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 5000,
            TopicData =
            [
                Topic(topic, new RecordBatchBuilder(Timestamp).Add("a", "first").Build()),
                Topic(topic, new RecordBatchBuilder(Timestamp).Add("b", "second").Add("c", "second").Build()),
            ],
        };
        using var c = Connect();
        var answer = c.RoundTrip<ProduceResponse>(request, 9);

        var entries = answer.Responses.SelectMany(t => t.PartitionResponses.Select(p => (t.Name, p))).ToList();
        Assert.That(entries, Has.Count.EqualTo(1));
        Assert.That(entries[0].p.ErrorCode, Is.EqualTo(0));
        Assert.That(entries[0].p.BaseOffset, Is.EqualTo(0));
        using var other = Connect();
        Assert.That(ListOffset(other, topic, -1), Is.EqualTo(2), "only the last entry (two records) is appended");
    }

    [TestCase(CompressionType.None)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void HeaderMaxTimestampThatLies_IsCorrected_SoListOffsetsByTimestampFindsTheRecords(CompressionType codec)
    {
        string topic = CreateTopic("maxts");
        byte[] batch = Batch(Compress(codec, HostileBatches.Records(5)), 5, (int)codec, maxTimestamp: 0);
        using var c = Connect();
        var answer = c.RoundTrip<ProduceResponse>(ProduceRequestFor(topic, batch), 9).Responses.Single().PartitionResponses.Single();
        Assert.That(answer.ErrorCode, Is.EqualTo(0), answer.ErrorMessage);
        // Records are stamped Timestamp+0..4: the last one's timestamp must find the batch.
        Assert.That(ListOffset(c, topic, Timestamp + 4), Is.Not.EqualTo(-1));
    }

    /// <summary>
    /// A batch stored before records were validated (a valid CRC around a record whose length runs past the batch),
    /// written into the segment by hand: ListOffsets by timestamp must parse its records and, as Kafka (whose record
    /// iterator throws InvalidRecordException there), answer INVALID_RECORD for that partition on a connection that
    /// stays open, not throw out of the handler.
    /// </summary>
    [Test]
    public void StoredBatchWithBadRecords_ListOffsetsByTimestamp_AnswersInvalidRecord_AndTheConnectionStays()
    {
        string topic = CreateTopic("oldbad");
        using var c = Connect();
        var produced = c.RoundTrip<ProduceResponse>(ProduceRequestFor(topic, Batch(HostileBatches.Records(2), 2)), 9).Responses.Single().PartitionResponses.Single();
        Assert.That(produced.ErrorCode, Is.EqualTo(0), produced.ErrorMessage);

        string segment = Path.Combine(Broker.LogDir, $"{topic}-0", "00000000000000000000.log");
        byte[] stored = File.ReadAllBytes(segment);
        // The first record's length (a one-byte zigzag varint) now says 63 bytes, more than the batch holds.
        stored[RecordBatchHeader.Size] = 0x7E;
        RecordBatch.WriteCrc(stored.AsSpan(0, RecordBatchHeader.Read(stored).TotalSize));
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Write(stored);
        }

        var response = c.RoundTrip<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = HostileBatches.Timestamp + 1 }] }],
        }, 7);
        var partition = response.Topics.Single().Partitions.Single();

        Assert.That((ErrorCode)partition.ErrorCode, Is.EqualTo(ErrorCode.InvalidRecord));
        Assert.That(partition.Offset, Is.EqualTo(-1));
        Assert.That(ListOffset(c, topic, -1), Is.EqualTo(2), "the same connection still answers");
    }

    private string CreateTopic(string prefix)
    {
        string topic = UniqueTopic(prefix);
        using var c = Connect();
        var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }],
            TimeoutMs = 5000,
        }, 7);
        Assert.That(created.Topics.Single().ErrorCode, Is.EqualTo(0));
        return topic;
    }

    private static ProduceRequest.ProduceTopic Topic(string topic, byte[] records) => new()
    {
        Name = topic,
        PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(records) }],
    };

    private static ProduceRequest ProduceRequestFor(string topic, byte[] records) => new()
    {
        Acks = -1,
        TimeoutMs = 5000,
        TopicData = [Topic(topic, records)],
    };

    /// <summary>ListOffsets v7 for partition 0: -1 latest, or the first offset at or after a timestamp (-1 if none).</summary>
    private static long ListOffset(RawConnection c, string topic, long timestamp)
    {
        var response = c.RoundTrip<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = timestamp }] }],
        }, 7);
        var partition = response.Topics.Single().Partitions.Single();
        Assert.That(partition.ErrorCode, Is.EqualTo(0));
        return partition.Offset;
    }
}
