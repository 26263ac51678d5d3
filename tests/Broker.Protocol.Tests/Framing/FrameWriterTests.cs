using System.Buffers;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Framing;

public sealed class FrameWriterTests
{
    [Test]
    public void WriteResponse_ApiVersionsV3_UsesHeaderV0AndSizePrefix()
    {
        using var output = new PooledBufferWriter();
        var length = FrameWriter.WriteResponse(output, 7, new ApiVersionsResponse(), 3);
        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo("0000000c" + "00000007" + "0000" + "01" + "00000000" + "00"));
        Assert.That(length, Is.EqualTo(16));
    }

    [Test]
    public void WriteRequest_ThenFrameAndHeaderRead_RoundTrip()
    {
        using var output = new PooledBufferWriter();
        FrameWriter.WriteRequest(output, 1, "a", new MetadataRequest { Topics = null }, 12);
        FrameWriter.WriteRequest(output, 2, "a", new ApiVersionsRequest(), 0);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.That(FrameReader.TryReadFrame(ref buffer, 1024, out var first), Is.EqualTo(FrameStatus.Frame));
        var reader = new KafkaReader(first.ToArray());
        var header = RequestHeader.Read(ref reader, out var headerVersion);
        var request = (MetadataRequest)RequestReader.Read((ApiKey)header.ApiKey, header.ApiVersion, ref reader);
        Assert.That((header.CorrelationId, headerVersion, request.Topics), Is.EqualTo((1, (short)2, (List<MetadataRequest.RequestTopic>?)null)));
        Assert.That(reader.Remaining, Is.Zero);

        Assert.That(FrameReader.TryReadFrame(ref buffer, 1024, out var second), Is.EqualTo(FrameStatus.Frame));
        Assert.That(second.Length, Is.EqualTo(2 + 2 + 4 + 3));
        Assert.That(buffer.Length, Is.Zero);
    }
}
