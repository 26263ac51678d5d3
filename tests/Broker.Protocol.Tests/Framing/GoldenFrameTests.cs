using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Tests.Framing;

/// <summary>
/// Request frames captured on the wire from real clients (kcat 1.7.1 / librdkafka 2.0.2, kafka-python 2.0.2 and
/// Confluent.Kafka 2.16 through our bin/ tools), one file per API and version, in GoldenFrames/&lt;client&gt;/.
/// Each is fed to the frame reader one byte at a time, decoded completely, and re-encoded to the very same bytes.
/// </summary>
public sealed class GoldenFrameTests
{
    private static IEnumerable<TestCaseData> Frames() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "GoldenFrames"), "*.bin", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetName($"GoldenFrame({Path.GetFileName(Path.GetDirectoryName(f))}/{Path.GetFileNameWithoutExtension(f)})"));

    [Test]
    public void EveryClientHasCapturedFrames()
    {
        var clients = Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "GoldenFrames")).Select(Path.GetFileName);
        Assert.That(clients, Is.SupersetOf(new[] { "kcat", "kafkapython", "confluentnet" }));
    }

    [TestCaseSource(nameof(Frames))]
    public void CapturedFrame_FedByteByByte_DecodesFully_AndReencodesIdentically(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);

        // Byte by byte: no frame until the last byte has arrived.
        var pipe = new List<byte>();
        ReadOnlySequence<byte> frame = default;
        for (int i = 0; i < bytes.Length; i++)
        {
            pipe.Add(bytes[i]);
            var buffer = new ReadOnlySequence<byte>(pipe.ToArray());
            var status = FrameReader.TryReadFrame(ref buffer, 100 * 1024 * 1024, out frame);
            Assert.That(status, Is.EqualTo(i == bytes.Length - 1 ? FrameStatus.Frame : FrameStatus.NeedMoreData), $"after {i + 1} bytes");
        }

        byte[] body = frame.ToArray();
        var reader = new KafkaReader(body);
        var header = RequestHeader.Read(ref reader, out short headerVersion);
        var request = RequestReader.Read((ApiKey)header.ApiKey, header.ApiVersion, ref reader);
        Assert.That(reader.Remaining, Is.EqualTo(0), "every byte of the request is consumed");

        using var output = new PooledBufferWriter();
        var writer = new KafkaWriter(output);
        header.Write(ref writer, headerVersion);
        request.Write(ref writer, header.ApiVersion);
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(body), "re-encoding gives the client's bytes");
    }
}
