using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Broker.ZooKeeper.Protocol;
using Microsoft.Extensions.Logging;

namespace Broker.ZooKeeper.Connection;

/// <summary>
/// One TCP connection to one server within a session. Runs three loops: the writer (drains the outgoing channel
/// in order), the reader (matches replies to the FIFO of pending requests and forwards notifications) and the
/// pinger (a ping every third of the session timeout; the connection is dropped when nothing was read for two
/// thirds of it). When any loop ends, the connection closes and every unanswered request fails with
/// <see cref="ConnectionLossException"/>. A connection is never reused after it closes.
/// Thread-safety: <see cref="Send"/> and <see cref="Abort"/> may be called from any thread.
/// </summary>
internal sealed partial class ZooKeeperConnection
{
    private const int MaxFrameBytes = 64 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly IConnectionOwner _owner;
    private readonly ILogger _logger;
    private readonly TimeSpan _sessionTimeout;
    private readonly Lock _gate = new();
    private readonly Queue<PendingRequest> _pending = new();
    private readonly Channel<OutgoingFrame> _outgoing =
        Channel.CreateUnbounded<OutgoingFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private bool _closed;
    private long _lastReceivedTicks = Environment.TickCount64;

    private ZooKeeperConnection(Socket socket, string server, TimeSpan sessionTimeout, IConnectionOwner owner, ILogger logger)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Server = server;
        _sessionTimeout = sessionTimeout;
        _owner = owner;
        _logger = logger;
    }

    /// <summary>"host:port" of the server this connection talks to.</summary>
    public string Server { get; }

    /// <summary>Completes (never faults) once the connection has closed and all pending requests were failed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Opens a TCP connection and performs the ConnectRequest/ConnectResponse handshake within
    /// <paramref name="timeout"/>, then, with <paramref name="sasl"/>, the SASL authentication (see
    /// <see cref="AuthenticateAsync"/>). The caller inspects <see cref="ConnectResult.TimeoutMs"/> for expiry; when the
    /// session expired the returned connection is already closed.
    /// </summary>
    public static async Task<(ZooKeeperConnection Connection, ConnectResult Result)> OpenAsync(
        DnsEndPoint endPoint,
        (long LastZxid, int TimeoutMs, long SessionId, byte[] Password) session,
        TimeSpan timeout,
        IConnectionOwner owner,
        ILogger logger,
        ZooKeeperSaslCredentials? sasl,
        CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, attempt.Token).ConfigureAwait(false);
            var (request, length) = ConnectHandshake.WriteRequest(session.LastZxid, session.TimeoutMs, session.SessionId, session.Password);
            try
            {
                await socket.SendAsync(request.AsMemory(0, length), attempt.Token).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(request);
            }

            var body = await ReadFrameAsync(socket, attempt.Token).ConfigureAwait(false);
            var result = ConnectHandshake.ReadResponse(body);
            var connection = new ZooKeeperConnection(socket, $"{endPoint.Host}:{endPoint.Port}",
                TimeSpan.FromMilliseconds(Math.Max(result.TimeoutMs, 1)), owner, logger);
            if (result.TimeoutMs <= 0)
            {
                socket.Dispose();
            }
            else
            {
                if (sasl is not null)
                {
                    await AuthenticateAsync(socket, sasl, owner, attempt.Token).ConfigureAwait(false);
                }

                connection.Start();
            }

            return (connection, result);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to ZooKeeper {endPoint.Host}:{endPoint.Port} timed out after {timeout}.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Queues a request. Ordinary requests get the next session xid (pass <paramref name="fixedXid"/> only for
    /// SetWatches). If the connection is already closed the request fails at once with connection loss.
    /// </summary>
    public void Send(PendingRequest request, int? fixedXid = null)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                // Xid assignment, the pending FIFO and the outgoing channel are updated under one lock so that
                // wire order, xid order and FIFO order agree.
                request.Xid = fixedXid ?? _owner.NextXid();
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request.Frame.AsSpan(4, 4), request.Xid);
                _pending.Enqueue(request);
                _outgoing.Writer.TryWrite(new OutgoingFrame(request.Frame!, request.FrameLength, request));
                return;
            }
        }

        ReturnFrame(request);
        request.Fail(new ConnectionLossException(request.Path, $"not connected to {Server}"));
    }

    /// <summary>Closes the connection; pending requests fail with connection loss. Idempotent.</summary>
    public void Abort(string reason)
    {
        if (!_shutdown.IsCancellationRequested)
        {
            ZooKeeperLog.ConnectionAborted(_logger, Server, reason);
        }

        try
        {
            _shutdown.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private void Start()
    {
        var reader = Task.Run(ReceiveLoopAsync);
        var writer = Task.Run(SendLoopAsync);
        var pinger = Task.Run(PingLoopAsync);
        Completion = Task.WhenAll(reader, writer, pinger).ContinueWith(
            _ => _shutdown.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static void ReturnFrame(PendingRequest request)
    {
        if (request.Frame is { } frame)
        {
            request.Frame = null;
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private readonly record struct OutgoingFrame(byte[] Buffer, int Length, PendingRequest? Request);
}
