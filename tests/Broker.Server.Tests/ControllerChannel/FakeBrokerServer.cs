using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;

namespace Broker.Server.Tests.ControllerChannel;

/// <summary>
/// A broker that only records the controller's requests (real frames over TCP, decoded with the generated classes)
/// and answers them as <see cref="Respond"/> says: a response, or null to close the connection unanswered.
/// </summary>
internal sealed class FakeBrokerServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(RequestHeader Header, IKafkaRequest Request)> _received = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accept;

    public FakeBrokerServer()
    {
        _listener.Start();
        _accept = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every request received (also those then answered by closing), in arrival order.</summary>
    public IReadOnlyList<(RequestHeader Header, IKafkaRequest Request)> Received => _received.ToArray();

    /// <summary>How to answer; by default a success.</summary>
    public Func<IKafkaRequest, Task<IKafkaResponse?>> Respond { get; set; } = r => Task.FromResult<IKafkaResponse?>(Success(r));

    public static IKafkaResponse Success(IKafkaRequest request) => request switch
    {
        LeaderAndIsrRequest => new LeaderAndIsrResponse(),
        UpdateMetadataRequest => new UpdateMetadataResponse(),
        StopReplicaRequest => new StopReplicaResponse(),
        _ => throw new InvalidOperationException($"unexpected {request.ApiKey}"),
    };

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections) _connections.Add(tcp);
                _ = Task.Run(() => ServeAsync(tcp));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(TcpClient tcp)
    {
        using var _ = tcp;
        var stream = tcp.GetStream();
        var size = new byte[4];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(size, _stop.Token);
                var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                await stream.ReadExactlyAsync(frame, _stop.Token);
                var (header, request) = Decode(frame);
                _received.Enqueue((header, request));
                var response = await Respond(request);
                if (response is null) return; // close unanswered
                using var output = new PooledBufferWriter();
                FrameWriter.WriteResponse(output, header.CorrelationId, response, header.ApiVersion);
                await stream.WriteAsync(output.WrittenMemory, _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || tcp.Client is { Connected: false })
        {
        }
        catch (IOException)
        {
            // includes EndOfStreamException: the controller closed the connection
        }
    }

    private static (RequestHeader, IKafkaRequest) Decode(byte[] frame)
    {
        var reader = new KafkaReader(frame);
        var header = RequestHeader.Read(ref reader, out _);
        return (header, RequestReader.Read((ApiKey)header.ApiKey, header.ApiVersion, ref reader));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections) foreach (var c in _connections) c.Dispose();
        try { await _accept; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
