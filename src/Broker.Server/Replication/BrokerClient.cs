using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Server.Replication;

/// <summary>
/// A connection from this broker to another one (follower fetches, OffsetForLeaderEpoch, ControlledShutdown),
/// written with the protocol layer's frame writer. One request at a time: a follower's fetch loop is strictly
/// request/response, so there is nothing to pipeline. Not thread-safe; each fetcher owns its client.
/// Responses are decoded over one receive buffer the client reuses (fetch responses run to megabytes, and their record
/// sets are slices of the frame): a response is valid only until the next <see cref="SendAsync{TResponse}"/>.
/// Any I/O or protocol failure disposes the connection; the caller reconnects with a new instance.
/// </summary>
public sealed partial class BrokerClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly string _clientId;
    private readonly PooledBufferWriter _output = new();
    private readonly byte[] _sizeBuffer = new byte[4];
    private byte[] _receive = [];
    private int _correlation;

    private BrokerClient(TcpClient tcp, Stream stream, string clientId)
    {
        _tcp = tcp;
        _stream = stream;
        _clientId = clientId;
    }

    /// <summary>Broker id of the remote side, for logs.</summary>
    public int RemoteBrokerId { get; private init; }

    /// <param name="tls">When the inter-broker listener uses TLS, the broker's TLS context: the connection is a TLS client.</param>
    /// <param name="sasl">This broker's inter-broker SASL credentials when the listener is SASL (see <see cref="AuthenticateAsync"/>),
    /// after the TLS handshake for SASL_SSL.</param>
    public static async Task<BrokerClient> ConnectAsync(int remoteBrokerId, string host, int port, string clientId, TimeSpan timeout, CancellationToken ct,
        Tls.TlsContext? tls = null, InterBrokerSasl? sasl = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        BrokerClient? client = null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            await tcp.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            if (tls is { InterBrokerUsesTls: true })
            {
                var ssl = new System.Net.Security.SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await ssl.AuthenticateAsClientAsync(tls.ClientOptions(host), cts.Token).ConfigureAwait(false);
                }
                catch (System.Security.Authentication.AuthenticationException e)
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw new IOException($"TLS handshake with broker {remoteBrokerId} at {host}:{port} failed: {e.Message}", e);
                }

                stream = ssl;
            }

            client = new BrokerClient(tcp, stream, clientId) { RemoteBrokerId = remoteBrokerId };
            if (sasl is not null) await client.AuthenticateAsync(sasl, timeout, ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            if (client is not null) await client.DisposeAsync().ConfigureAwait(false);
            else tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects to another broker the way this broker's configuration says brokers reach each other: over TLS when the
    /// inter-broker listener uses it, then authenticated with the inter-broker SASL credentials when it is a SASL
    /// listener. The one home for that choice: every inter-broker connection outside the controller's channel (which
    /// carries the same two settings in its options) goes through here.
    /// </summary>
    public static Task<BrokerClient> ConnectToBrokerAsync(Configuration.BrokerConfig config, int remoteBrokerId, string host, int port,
        string clientId, TimeSpan timeout, CancellationToken ct) =>
        ConnectAsync(remoteBrokerId, host, port, clientId, timeout, ct, Tls.TlsContext.Of(config), config.InterBrokerSasl);

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> and reads its response.</summary>
    /// <exception cref="IOException">The connection failed or closed.</exception>
    /// <exception cref="TimeoutException">No response within <paramref name="timeout"/>.</exception>
    public async Task<TResponse> SendAsync<TResponse>(IKafkaRequest request, short version, TimeSpan timeout, CancellationToken ct)
        where TResponse : IKafkaResponse
    {
        int correlation = ++_correlation;
        _output.Reset();
        FrameWriter.WriteRequest(_output, correlation, _clientId, request, version);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _stream.WriteAsync(_output.WrittenMemory, cts.Token).ConfigureAwait(false);
            await _stream.ReadExactlyAsync(_sizeBuffer, cts.Token).ConfigureAwait(false);
            int size = BinaryPrimitives.ReadInt32BigEndian(_sizeBuffer);
            if (size < 4 || size > 512 * 1024 * 1024) throw new IOException($"broker {RemoteBrokerId} sent a frame of {size} bytes");
            if (_receive.Length < size)
            {
                if (_receive.Length > 0) ArrayPool<byte>.Shared.Return(_receive);
                _receive = ArrayPool<byte>.Shared.Rent(size);
            }

            var frame = _receive.AsMemory(0, size);
            await _stream.ReadExactlyAsync(frame, cts.Token).ConfigureAwait(false);
            return Decode<TResponse>(frame, request.ApiKey, version, correlation);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"broker {RemoteBrokerId} did not answer {request.ApiKey} within {timeout.TotalMilliseconds} ms");
        }
        catch (EndOfStreamException e)
        {
            throw new IOException($"broker {RemoteBrokerId} closed the connection", e);
        }
    }

    private TResponse Decode<TResponse>(ReadOnlyMemory<byte> frame, ApiKey key, short version, int expectedCorrelation)
        where TResponse : IKafkaResponse
    {
        var reader = new KafkaReader(frame);
        int correlation = ResponseHeader.Read(ref reader, ApiHeaders.ResponseHeaderVersion((short)key, version));
        if (correlation != expectedCorrelation)
            throw new IOException($"broker {RemoteBrokerId} answered correlation id {correlation}, expected {expectedCorrelation}");
        return (TResponse)ResponseReader.Read(key, version, ref reader);
    }

    public ValueTask DisposeAsync()
    {
        _output.Dispose();
        if (_receive.Length > 0) ArrayPool<byte>.Shared.Return(_receive);
        _receive = [];
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
