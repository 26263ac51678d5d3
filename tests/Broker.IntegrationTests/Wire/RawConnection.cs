using System.Buffers.Binary;
using System.Net.Sockets;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// A bare TCP connection speaking Kafka frames built with our protocol layer, for tests that send what no real client
/// would (bad sizes, bad CRCs, unknown APIs) and read exactly what comes back.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlation;

    public RawConnection(int port)
    {
        _client = new TcpClient("127.0.0.1", port) { NoDelay = true };
        _stream = _client.GetStream();
        _stream.ReadTimeout = 15_000;
    }

    /// <summary>This side's TCP port, to find the broker's end of this connection in /proc/net/tcp.</summary>
    public int LocalPort => ((System.Net.IPEndPoint)_client.Client.LocalEndPoint!).Port;

    public void SendRaw(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public int Send(IKafkaRequest request, short version, string clientId = "raw-test")
    {
        using var buffer = new PooledBufferWriter();
        int correlation = ++_correlation;
        FrameWriter.WriteRequest(buffer, correlation, clientId, request, version);
        _stream.Write(buffer.WrittenSpan);
        return correlation;
    }

    /// <summary>Reads one response frame and decodes it; the header version follows the API's rules.</summary>
    public T Receive<T>(ApiKey key, short version, out int correlationId) where T : IKafkaResponse
    {
        byte[] frame = ReceiveFrame() ?? throw new IOException("connection closed by the broker");
        var reader = new KafkaReader(frame);
        correlationId = ResponseHeader.Read(ref reader, ApiHeaders.ResponseHeaderVersion((short)key, version));
        return (T)ResponseReader.Read(key, version, ref reader);
    }

    public T RoundTrip<T>(IKafkaRequest request, short version) where T : IKafkaResponse
    {
        int sent = Send(request, version);
        var response = Receive<T>(request.ApiKey, version, out int received);
        if (received != sent) throw new InvalidOperationException($"correlation id {received}, expected {sent}");
        return response;
    }

    /// <summary>Returns the next frame's bytes after the size prefix, or null when the broker closed the connection.</summary>
    public byte[]? ReceiveFrame()
    {
        var size = new byte[4];
        if (!ReadExactly(size)) return null;
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        return ReadExactly(frame) ? frame : null;
    }

    /// <summary>True when the broker has closed the connection (read returns end of stream or a reset).</summary>
    public bool IsClosedByBroker()
    {
        try
        {
            return _stream.Read(new byte[1]) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private bool ReadExactly(byte[] buffer)
    {
        int at = 0;
        while (at < buffer.Length)
        {
            int n;
            try { n = _stream.Read(buffer, at, buffer.Length - at); }
            catch (IOException) { return false; }
            if (n == 0) return false;
            at += n;
        }

        return true;
    }

    public void Dispose() => _client.Dispose();
}
