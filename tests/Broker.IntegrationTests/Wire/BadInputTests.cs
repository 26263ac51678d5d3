using System.Buffers.Binary;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Hostile and malformed input over a real socket: each gets Kafka's error code or a closed connection, nothing is
/// appended, and other connections keep working.
/// </summary>
[TestFixture]
public sealed class BadInputTests : SingleBrokerFixture
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["socket.request.max.bytes"] = "1048576",
        ["message.max.bytes"] = "4096",
    };

    private RawConnection Connect() => new(Broker.Port);

    private void AssertBrokerStillServes()
    {
        using var other = Connect();
        var answer = other.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3);
        Assert.That(answer.ErrorCode, Is.EqualTo((short)ErrorCode.None));
    }

    [Test]
    public void ApiVersions_UnknownVersion_GetsV0AnswerWithError35AndTheFullList()
    {
        using var c = Connect();
        // Version 99 of ApiVersions: the header is read as flexible (v2), the body is not parsed.
        c.Send(new ApiVersionsRequest { ClientSoftwareName = "x", ClientSoftwareVersion = "1" }, 99);
        var answer = c.Receive<ApiVersionsResponse>(ApiKey.ApiVersions, 0, out _);
        Assert.That(answer.ErrorCode, Is.EqualTo((short)ErrorCode.UnsupportedVersion));
        Assert.That(answer.ApiKeys.Select(k => (ApiKey)k.ApiKey), Does.Contain(ApiKey.Produce).And.Contain(ApiKey.Fetch).And.Contain(ApiKey.ApiVersions));
    }

    [Test]
    public void ApiVersions_AdvertisesExactlyTheIssueRanges()
    {
        using var c = Connect();
        var answer = c.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        var ranges = answer.ApiKeys.ToDictionary(k => (ApiKey)k.ApiKey, k => (k.MinVersion, k.MaxVersion));
        Assert.That(ranges[ApiKey.ApiVersions], Is.EqualTo(((short)0, (short)3)));
        Assert.That(ranges[ApiKey.Metadata], Is.EqualTo(((short)0, (short)12)));
        Assert.That(ranges[ApiKey.Produce], Is.EqualTo(((short)3, (short)9)));
        Assert.That(ranges[ApiKey.Fetch], Is.EqualTo(((short)4, (short)12)));
        Assert.That(ranges[ApiKey.ListOffsets], Is.EqualTo(((short)0, (short)7)));
        Assert.That(ranges[ApiKey.CreateTopics], Is.EqualTo(((short)0, (short)7)));
        Assert.That(ranges[ApiKey.DeleteTopics], Is.EqualTo(((short)0, (short)6)));
    }

    [Test]
    public void FrameLargerThanSocketRequestMaxBytes_IsRefusedFromItsSizeAlone()
    {
        using var c = Connect();
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, 200 * 1024 * 1024);
        c.SendRaw(prefix); // no body follows: the broker must not wait for 200 MiB
        Assert.That(c.IsClosedByBroker(), Is.True);
        AssertBrokerStillServes();
    }

    [Test]
    public void NegativeFrameSize_ClosesTheConnection()
    {
        using var c = Connect();
        c.SendRaw([0xFF, 0xFF, 0xFF, 0xFE]);
        Assert.That(c.IsClosedByBroker(), Is.True);
        AssertBrokerStillServes();
    }

    [Test]
    public async Task UnknownApiKey_ClosesOnlyThatConnection_AndIsLoggedWithTheClient()
    {
        using var bystander = Connect();
        using var c = Connect();
        var frame = new byte[4 + 10 + 2];
        BinaryPrimitives.WriteInt32BigEndian(frame, 12);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), 999); // api key
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), 0);   // version
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), 7);   // correlation id
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), 2);  // client id length
        frame[14] = (byte)'z';
        frame[15] = (byte)'z';
        c.SendRaw(frame);
        Assert.That(c.IsClosedByBroker(), Is.True);
        Assert.That(bystander.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 2).ErrorCode, Is.EqualTo(0));
        // The log line names the client; logging is asynchronous, so wait for it.
        await TestKit.Poll.UntilAsync(() => Broker.Output.Any(l => l.Contains("unsupported api key 999") && l.Contains("client zz")),
            TimeSpan.FromSeconds(10), "the log line naming the client");
    }

    [Test]
    public void AbsurdArrayCount_ClosesTheConnectionWithoutAllocating()
    {
        using var c = Connect();
        // Metadata v1: header, then topics array count int32.MaxValue with nothing after it.
        var frame = new byte[4 + 10 + 4];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), (short)ApiKey.Metadata);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), 1);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), 1);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), 0);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(14), int.MaxValue);
        c.SendRaw(frame);
        Assert.That(c.IsClosedByBroker(), Is.True);
        AssertBrokerStillServes();
    }

    [Test]
    public void TruncatedFrame_ThenDisconnect_LeavesTheBrokerServing()
    {
        using (var c = Connect())
        {
            var partial = new byte[4 + 6];
            BinaryPrimitives.WriteInt32BigEndian(partial, 100);
            c.SendRaw(partial);
        }

        AssertBrokerStillServes();
    }

    [Test]
    public void Produce_WithBadCrc_GetsCorruptMessage_AndAppendsNothing()
    {
        string topic = CreateTopic("bad-crc");
        var batch = new RecordBatchBuilder().Add("k", "v").Build();
        batch[^1] ^= 0x5A; // flip a bit in the record data: the CRC no longer matches
        var error = Produce(topic, batch);
        Assert.That(error, Is.EqualTo(ErrorCode.CorruptMessage));
        Assert.That(LatestOffset(topic), Is.EqualTo(0));
    }

    [Test]
    public void Produce_BatchLargerThanMessageMaxBytes_GetsMessageTooLarge_AndAppendsNothing()
    {
        string topic = CreateTopic("too-large");
        var batch = new RecordBatchBuilder().Add("k", new string('x', 8000)).Build();
        Assert.That(Produce(topic, batch), Is.EqualTo(ErrorCode.MessageTooLarge));
        Assert.That(LatestOffset(topic), Is.EqualTo(0));
    }

    [Test]
    public void Produce_TwoBatchesForOnePartition_GetsInvalidRecord()
    {
        string topic = CreateTopic("two-batches");
        var batches = RecordBatchBuilder.Concat(new RecordBatchBuilder().Add("a", "1").Build(), new RecordBatchBuilder().Add("b", "2").Build());
        Assert.That(Produce(topic, batches), Is.EqualTo(ErrorCode.InvalidRecord));
        Assert.That(LatestOffset(topic), Is.EqualTo(0));
    }

    [Test]
    public void Produce_ValidBatch_IsAppendedAtOffsetZero_AndAcksZeroSendsNoResponse()
    {
        string topic = CreateTopic("acks0");
        using var c = Connect();
        var request = ProduceRequestFor(topic, new RecordBatchBuilder().Add("k", "v").Build(), acks: 0);
        c.Send(request, 9);
        // The next frame on the wire must be the answer to the following request, not to the acks=0 produce.
        int id = c.Send(new ApiVersionsRequest(), 3);
        c.Receive<ApiVersionsResponse>(ApiKey.ApiVersions, 3, out int received);
        Assert.That(received, Is.EqualTo(id));
        Assert.That(LatestOffset(topic), Is.EqualTo(1));
    }

    [Test]
    public void InvalidTopicNames_AreRefusedWithInvalidTopicException()
    {
        using var c = Connect();
        var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = "bad/name", NumPartitions = 1, ReplicationFactor = 1 }],
            TimeoutMs = 5000,
        }, 7);
        Assert.That(created.Topics.Single().ErrorCode, Is.EqualTo((short)ErrorCode.InvalidTopicException));
        var meta = c.RoundTrip<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.RequestTopic { Name = new string('t', 300) }], AllowAutoTopicCreation = true,
        }, 12);
        Assert.That(meta.Topics.Single().ErrorCode, Is.EqualTo((short)ErrorCode.InvalidTopicException));
    }

    [Test]
    public void PipelinedRequests_AreAnsweredInRequestOrder()
    {
        using var c = Connect();
        var ids = new List<int>();
        for (int i = 0; i < 40; i++)
        {
            ids.Add(i % 2 == 0 ? c.Send(new ApiVersionsRequest(), 0) : c.Send(new MetadataRequest { Topics = null }, 12));
        }

        for (int i = 0; i < 40; i++)
        {
            int received;
            if (i % 2 == 0) c.Receive<ApiVersionsResponse>(ApiKey.ApiVersions, 0, out received);
            else c.Receive<MetadataResponse>(ApiKey.Metadata, 12, out received);
            Assert.That(received, Is.EqualTo(ids[i]));
        }
    }

    [Test]
    public void Metadata_WithAllowAutoTopicCreationFalse_DoesNotCreate()
    {
        using var c = Connect();
        string topic = UniqueTopic("no-auto");
        var meta = c.RoundTrip<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.RequestTopic { Name = topic }], AllowAutoTopicCreation = false,
        }, 12);
        Assert.That(meta.Topics.Single().ErrorCode, Is.EqualTo((short)ErrorCode.UnknownTopicOrPartition));
        var again = c.RoundTrip<MetadataResponse>(new MetadataRequest { Topics = null }, 12);
        Assert.That(again.Topics.Select(t => t.Name), Does.Not.Contain(topic));
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

    private static ProduceRequest ProduceRequestFor(string topic, byte[] records, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 5000,
        TopicData =
        [
            new ProduceRequest.ProduceTopic
            {
                Name = topic,
                PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(records) }],
            },
        ],
    };

    private ErrorCode Produce(string topic, byte[] records)
    {
        using var c = Connect();
        var response = c.RoundTrip<ProduceResponse>(ProduceRequestFor(topic, records), 9);
        return (ErrorCode)response.Responses.Single().PartitionResponses.Single().ErrorCode;
    }

    private long LatestOffset(string topic)
    {
        using var c = Connect();
        var response = c.RoundTrip<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1 }] }],
        }, 7);
        return response.Topics.Single().Partitions.Single().Offset;
    }
}
