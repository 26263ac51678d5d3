using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Generated;

/// <summary>Byte vectors written by hand from the protocol guide, checked in both directions.</summary>
public sealed class KnownAnswerTests
{
    [Test]
    public void ApiVersionsRequest_V0_HeaderV1AndEmptyBody()
    {
        var bytes = Bytes.Write((ref KafkaWriter w) =>
        {
            new RequestHeader(18, 0, 1, "c").Write(ref w, ApiHeaders.RequestHeaderVersion(18, 0));
            new ApiVersionsRequest().Write(ref w, 0);
        });
        Assert.That(Bytes.ToHex(bytes), Is.EqualTo("0012" + "0000" + "00000001" + "000163"));
    }

    [Test]
    public void ApiVersionsRequest_V3_HeaderV2AndCompactStrings()
    {
        var expected = Bytes.Hex("0012 0003 00000001 0001 63 00" + "04 6c6962 04 312e30 00");
        var bytes = Bytes.Write((ref KafkaWriter w) =>
        {
            new RequestHeader(18, 3, 1, "c").Write(ref w, ApiHeaders.RequestHeaderVersion(18, 3));
            new ApiVersionsRequest { ClientSoftwareName = "lib", ClientSoftwareVersion = "1.0" }.Write(ref w, 3);
        });
        Assert.That(bytes, Is.EqualTo(expected));

        var reader = new KafkaReader(expected);
        var header = RequestHeader.Read(ref reader, out var headerVersion);
        var request = (ApiVersionsRequest)RequestReader.Read((ApiKey)header.ApiKey, header.ApiVersion, ref reader);
        Assert.That(headerVersion, Is.EqualTo(2));
        Assert.That((request.ClientSoftwareName, request.ClientSoftwareVersion), Is.EqualTo(("lib", "1.0")));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void ApiVersionsResponse_V0()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 18, MinVersion = 0, MaxVersion = 3 }],
        };
        Assert.That(Bytes.ToHex(Bytes.Write(response, 0)), Is.EqualTo("0000" + "00000001" + "0012" + "0000" + "0003"));
    }

    [Test]
    public void ApiVersionsResponse_V3_CompactArrayWithPerEntryTagBuffers()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 18, MinVersion = 0, MaxVersion = 3 }],
        };
        Assert.That(Bytes.ToHex(Bytes.Write(response, 3)), Is.EqualTo("0000" + "02" + "0012000000030" + "0" + "00000000" + "00"));
    }

    [Test]
    public void ApiVersionsResponse_V3_KnownTagReadUnknownTagSkipped()
    {
        var bytes = Bytes.Hex("0023 01 00000000" + "02 03 01 01 09 02 aabb");
        var reader = new KafkaReader(bytes);
        var response = ApiVersionsResponse.Read(ref reader, 3);
        Assert.That(response.ErrorCode, Is.EqualTo((short)ErrorCode.UnsupportedVersion));
        Assert.That(response.ApiKeys, Is.Empty);
        Assert.That(response.ZkMigrationReady, Is.True);
        Assert.That(response.FinalizedFeaturesEpoch, Is.EqualTo(-1));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void MetadataRequest_V0_EmptyTopicsMeansAll()
    {
        Assert.That(Bytes.ToHex(Bytes.Write(new MetadataRequest(), 0)), Is.EqualTo("00000000"));
        var reader = new KafkaReader(Bytes.Hex("00000000"));
        Assert.That(MetadataRequest.Read(ref reader, 0).Topics, Is.Empty);
    }

    [Test]
    public void MetadataRequest_V1_NullTopicsIsDistinctFromEmpty()
    {
        Assert.That(Bytes.ToHex(Bytes.Write(new MetadataRequest { Topics = null }, 1)), Is.EqualTo("ffffffff"));
        var reader = new KafkaReader(Bytes.Hex("ffffffff"));
        Assert.That(MetadataRequest.Read(ref reader, 1).Topics, Is.Null);
    }

    [Test]
    public void MetadataRequest_V0_NullTopicsRejected()
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex("ffffffff"));
            MetadataRequest.Read(ref reader, 0);
        });
    }

    [Test]
    public void ProduceRequest_V3()
    {
        var expected = Bytes.Hex("ffff ffff 00007530 00000001 0001 74 00000001 00000000 00000003 aabbcc");
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30000,
            TopicData =
            [
                new ProduceRequest.ProduceTopic
                {
                    Name = "t",
                    PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(Bytes.Hex("aabbcc")) }],
                },
            ],
        };
        Assert.That(Bytes.Write(request, 3), Is.EqualTo(expected));

        var reader = new KafkaReader(expected);
        var read = ProduceRequest.Read(ref reader, 3);
        Assert.That(read.TransactionalId, Is.Null);
        Assert.That(read.TopicData[0].PartitionData[0].Records!.Memory.ToArray(), Is.EqualTo(Bytes.Hex("aabbcc")));
    }

    [Test]
    public void ControlledShutdownRequest_V0_HeaderV0WithoutClientId()
    {
        var expected = Bytes.Hex("0007 0000 00000001" + "00000005");
        var bytes = Bytes.Write((ref KafkaWriter w) =>
        {
            new RequestHeader(7, 0, 1, "c").Write(ref w, ApiHeaders.RequestHeaderVersion(7, 0));
            new ControlledShutdownRequest { BrokerId = 5, BrokerEpoch = 99 }.Write(ref w, 0);
        });
        Assert.That(bytes, Is.EqualTo(expected), "v0 has neither client id nor broker epoch");

        var reader = new KafkaReader(expected);
        var header = RequestHeader.Read(ref reader, out var headerVersion);
        var request = (ControlledShutdownRequest)RequestReader.Read((ApiKey)header.ApiKey, header.ApiVersion, ref reader);
        Assert.That((headerVersion, request.BrokerId, request.BrokerEpoch), Is.EqualTo(((short)0, 5, -1L)));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void ControlledShutdownRequest_V3_FlexibleWithBrokerEpoch()
    {
        var expected = Bytes.Hex("00000005 0000000000000064 00");
        Assert.That(Bytes.Write(new ControlledShutdownRequest { BrokerId = 5, BrokerEpoch = 100 }, 3), Is.EqualTo(expected));
        var reader = new KafkaReader(expected);
        var read = ControlledShutdownRequest.Read(ref reader, 3);
        Assert.That((read.BrokerId, read.BrokerEpoch), Is.EqualTo((5, 100L)));
    }

    [Test]
    public void ControlledShutdownResponse_V1AndV3_RemainingPartitions()
    {
        var response = new ControlledShutdownResponse
        {
            ErrorCode = 0,
            RemainingPartitions = [new ControlledShutdownResponse.RemainingPartition { TopicName = "t", PartitionIndex = 2 }],
        };
        Assert.That(Bytes.ToHex(Bytes.Write(response, 1)), Is.EqualTo("0000" + "00000001" + "0001" + "74" + "00000002"));
        Assert.That(Bytes.ToHex(Bytes.Write(response, 3)), Is.EqualTo("0000" + "02" + "02" + "74" + "00000002" + "00" + "00"));
    }

    [Test]
    public void Write_FieldAbsentInVersion_IsSilentlySkipped()
    {
        var request = new MetadataRequest { AllowAutoTopicCreation = false, IncludeTopicAuthorizedOperations = true };
        Assert.That(Bytes.ToHex(Bytes.Write(request, 0)), Is.EqualTo("00000000"));
    }
}
