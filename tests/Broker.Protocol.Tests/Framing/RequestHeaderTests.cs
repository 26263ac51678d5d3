using Broker.Protocol.Framing;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Framing;

public sealed class RequestHeaderTests
{
    [Test]
    public void Read_MetadataV1_IsHeaderV1()
    {
        var reader = new KafkaReader(Bytes.Hex("0003 0001 0000002a 0003 616263 ff"));
        var header = RequestHeader.Read(ref reader, out var headerVersion);
        Assert.That(headerVersion, Is.EqualTo(1));
        Assert.That(header, Is.EqualTo(new RequestHeader(3, 1, 42, "abc")));
        Assert.That(reader.Remaining, Is.EqualTo(1));
    }

    [Test]
    public void Read_NullClientId_IsEmpty()
    {
        var reader = new KafkaReader(Bytes.Hex("0003 0000 00000001 ffff"));
        var header = RequestHeader.Read(ref reader, out _);
        Assert.That(header.ClientId, Is.EqualTo(string.Empty));
    }

    [Test]
    public void Read_FlexibleVersion_IsHeaderV2WithClassicClientIdAndTags()
    {
        // Metadata v12: client id stays an int16-length string, then a tagged buffer with one unknown tag.
        var reader = new KafkaReader(Bytes.Hex("0003 000c 00000007 0002 6b63 01 05 01 ff 99"));
        var header = RequestHeader.Read(ref reader, out var headerVersion);
        Assert.That(headerVersion, Is.EqualTo(2));
        Assert.That(header, Is.EqualTo(new RequestHeader(3, 12, 7, "kc")));
        Assert.That(reader.ReadInt8(), Is.EqualTo(unchecked((sbyte)0x99)));
    }

    [TestCase((short)18, (short)3, (short)2)]
    [TestCase((short)18, (short)9, (short)2)]
    [TestCase((short)18, (short)2, (short)1)]
    [TestCase((short)7, (short)0, (short)0)]
    [TestCase((short)7, (short)1, (short)1)]
    [TestCase((short)999, (short)5, (short)1)]
    [TestCase((short)1, (short)12, (short)2)]
    [TestCase((short)1, (short)11, (short)1)]
    public void RequestHeaderVersion_FollowsFlexibleTable(short apiKey, short version, short expected)
    {
        Assert.That(ApiHeaders.RequestHeaderVersion(apiKey, version), Is.EqualTo(expected));
    }

    [TestCase((short)18, (short)3, (short)0)]
    [TestCase((short)3, (short)9, (short)1)]
    [TestCase((short)3, (short)8, (short)0)]
    public void ResponseHeaderVersion_ApiVersionsAlwaysZero(short apiKey, short version, short expected)
    {
        Assert.That(ApiHeaders.ResponseHeaderVersion(apiKey, version), Is.EqualTo(expected));
    }

    [Test]
    public void Write_ThenRead_RoundTrips()
    {
        var header = new RequestHeader(18, 3, 5, "client");
        var bytes = Bytes.Write((ref KafkaWriter w) => header.Write(ref w, 2));
        var reader = new KafkaReader(bytes);
        Assert.That(RequestHeader.Read(ref reader, out var version), Is.EqualTo(header));
        Assert.That(version, Is.EqualTo(2));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void ResponseHeader_V1_HasEmptyTagBuffer()
    {
        Assert.That(Bytes.Write((ref KafkaWriter w) => ResponseHeader.Write(ref w, 9, 1)), Is.EqualTo(Bytes.Hex("00000009 00")));
        Assert.That(Bytes.Write((ref KafkaWriter w) => ResponseHeader.Write(ref w, 9, 0)), Is.EqualTo(Bytes.Hex("00000009")));
    }
}
