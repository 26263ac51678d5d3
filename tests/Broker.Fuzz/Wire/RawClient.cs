using System.Buffers.Binary;
using System.Net.Sockets;
using Broker.Fuzz.Seeds;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Fuzz.Wire;

/// <summary>A well-behaved connection: one request, one decoded response, with a read timeout. Not thread-safe.</summary>
public sealed class RawClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlation;

    public RawClient(int port, int timeoutMs = 15_000)
    {
        _client = new TcpClient("127.0.0.1", port) { NoDelay = true };
        _stream = _client.GetStream();
        _stream.ReadTimeout = timeoutMs;
        _stream.WriteTimeout = timeoutMs;
    }

    public void Send(IKafkaRequest request, short version) => _stream.Write(SeedCorpus.Encode(request, version, ++_correlation, "fuzz-check"));

    public T RoundTrip<T>(IKafkaRequest request, short version) where T : IKafkaResponse
    {
        Send(request, version);
        var size = new byte[4];
        _stream.ReadExactly(size);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        _stream.ReadExactly(frame);
        var reader = new KafkaReader(frame);
        int correlation = ResponseHeader.Read(ref reader, ApiHeaders.ResponseHeaderVersion((short)request.ApiKey, version));
        if (correlation != _correlation) throw new InvalidOperationException($"correlation id {correlation}, expected {_correlation}");
        return (T)ResponseReader.Read(request.ApiKey, version, ref reader);
    }

    public void Dispose() => _client.Dispose();
}
