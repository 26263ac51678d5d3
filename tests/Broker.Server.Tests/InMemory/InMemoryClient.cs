using System.Buffers;
using System.IO.Pipelines;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Server.Requests;

namespace Broker.Server.Tests.InMemory;

/// <summary>
/// One client connection to an <see cref="InMemoryBroker"/>: encodes request frames with the Protocol layer's
/// generated classes (<see cref="FrameWriter"/>), pushes them through the real frame loop and decodes the response
/// frames. Requests are sent one at a time. Not thread-safe.
/// </summary>
internal sealed class InMemoryClient : IAsyncDisposable
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);

    private readonly Pipe _toBroker = new();
    private readonly Pipe _fromBroker = new();
    private readonly InMemoryConnection _connection;
    private readonly Task _frameLoop;
    private int _correlationId;
    private int _disposed;

    public InMemoryClient(KafkaConnectionHandler handler, long connectionId)
    {
        _connection = new InMemoryConnection(connectionId, _toBroker, _fromBroker);
        _frameLoop = Task.Run(async () =>
        {
            try
            {
                await handler.OnConnectedAsync(_connection);
            }
            finally
            {
                await _fromBroker.Writer.CompleteAsync();
            }
        });
    }

    /// <summary>The body of the last response frame (after the size prefix), header included.</summary>
    public byte[] LastResponseFrame { get; private set; } = [];

    /// <summary>Set when the broker closed the connection.</summary>
    public string? AbortReason => _connection.AbortReason;

    public async Task<TResponse> SendAsync<TResponse>(IKafkaRequest request, short version)
        where TResponse : IKafkaResponse
    {
        int correlationId = ++_correlationId;
        await SendRawAsync(Encode(request, version, correlationId));
        byte[] frame = await ReadFrameAsync() ?? throw new InvalidOperationException($"connection closed by the broker ({AbortReason})");
        return (TResponse)Decode(frame, request.ApiKey, version, correlationId);
    }

    /// <summary>Decodes a response frame body (header and message), checking the correlation id and that nothing is left over.</summary>
    public static IKafkaResponse Decode(byte[] frame, ApiKey apiKey, short version, int correlationId)
    {
        var reader = new KafkaReader(frame);
        int answered = ResponseHeader.Read(ref reader, ApiHeaders.ResponseHeaderVersion((short)apiKey, version));
        Assert.That(answered, Is.EqualTo(correlationId), "correlation id of the response");
        var response = ResponseReader.Read(apiKey, version, ref reader);
        Assert.That(reader.Remaining, Is.Zero, $"{apiKey} v{version} response has trailing bytes");
        return response;
    }

    /// <summary>One size-prefixed request frame.</summary>
    public static byte[] Encode(IKafkaRequest request, short version, int correlationId)
    {
        using var buffer = new Broker.Protocol.PooledBufferWriter();
        FrameWriter.WriteRequest(buffer, correlationId, "in-memory-client", request, version);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _toBroker.Writer.WriteAsync(bytes);
    }

    /// <summary>The next response frame's body (without the size prefix), or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(ResponseTimeout);
        while (true)
        {
            var result = await _fromBroker.Reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            if (FrameReader.TryReadFrame(ref buffer, int.MaxValue, out var frame) == FrameStatus.Frame)
            {
                byte[] body = frame.ToArray();
                _fromBroker.Reader.AdvanceTo(buffer.Start);
                LastResponseFrame = body;
                return body;
            }

            _fromBroker.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    /// <summary>Closes the client side; waits for the frame loop to end. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _toBroker.Writer.CompleteAsync();
        await _frameLoop.WaitAsync(ResponseTimeout);
        await _fromBroker.Reader.CompleteAsync();
    }
}
