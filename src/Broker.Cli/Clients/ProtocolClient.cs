using System.Buffers.Binary;
using System.Net.Sockets;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;

namespace Broker.Cli.Clients;

/// <summary>
/// One plaintext connection to one broker, for the requests librdkafka has no admin API for (DescribeLogDirs, the
/// per-broker ApiVersions of broker-api-versions). Requests and responses are the protocol layer's generated
/// messages. One request at a time; not thread-safe. Only PLAINTEXT listeners: <see cref="RequirePlaintext"/> refuses
/// other security protocols with a one-line reason rather than failing on the wire.
/// </summary>
internal sealed class ProtocolClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly string _clientId;
    private int _correlation;

    private ProtocolClient(TcpClient tcp, string clientId)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _clientId = clientId;
    }

    /// <summary>The broker's ApiVersions answer, read at connect time.</summary>
    public ApiVersionsResponse Versions { get; private set; } = new();

    /// <summary>Connects and asks ApiVersions (v0, which every broker answers).</summary>
    public static async Task<ProtocolClient> ConnectAsync(string host, int port, string clientId, TimeSpan timeout)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await tcp.ConnectAsync(host, port, cts.Token);
            var client = new ProtocolClient(tcp, clientId);
            client.Versions = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 0, timeout);
            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>The highest version of <paramref name="key"/> both sides support, or null when none.</summary>
    public short? Usable(ApiKey key)
    {
        var theirs = Versions.ApiKeys.FirstOrDefault(a => a.ApiKey == (short)key);
        if (theirs is null || !ApiDefinitions.TryGet(key, out var ours)) return null;
        short max = Math.Min(theirs.MaxVersion, ours.MaxVersion);
        return max >= Math.Max(theirs.MinVersion, ours.MinVersion) ? max : null;
    }

    public async Task<TResponse> SendAsync<TResponse>(IKafkaRequest request, short version, TimeSpan timeout) where TResponse : IKafkaResponse
    {
        int correlation = ++_correlation;
        using var output = new PooledBufferWriter();
        FrameWriter.WriteRequest(output, correlation, _clientId, request, version);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _stream.WriteAsync(output.WrittenMemory, cts.Token);
            var sizeBytes = new byte[4];
            await _stream.ReadExactlyAsync(sizeBytes, cts.Token);
            int size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
            if (size < 4 || size > 100 * 1024 * 1024) throw new IOException($"the broker sent a frame of {size} bytes");
            var frame = new byte[size];
            await _stream.ReadExactlyAsync(frame, cts.Token);
            var reader = new KafkaReader(frame);
            int answered = ResponseHeader.Read(ref reader, ApiHeaders.ResponseHeaderVersion((short)request.ApiKey, version));
            if (answered != correlation) throw new IOException($"the broker answered correlation id {answered}, expected {correlation}");
            return (TResponse)ResponseReader.Read(request.ApiKey, version, ref reader);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the broker did not answer {request.ApiKey} within {timeout.TotalMilliseconds} ms");
        }
        catch (EndOfStreamException e)
        {
            throw new IOException("the broker closed the connection", e);
        }
    }

    /// <summary>
    /// Refuses a client configuration this direct connection cannot honour (TLS, SASL): the tools that use it say so in
    /// one line instead of sending plaintext to a secured listener.
    /// </summary>
    public static void RequirePlaintext(IReadOnlyDictionary<string, string> settings, string tool)
    {
        if (settings.TryGetValue("security.protocol", out var protocol) && !protocol.Equals("plaintext", StringComparison.OrdinalIgnoreCase))
            throw new CommandLine.UsageException($"{tool} connects to each broker directly and supports only PLAINTEXT listeners, not security.protocol={protocol}");
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
