using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>
/// Accepts TCP connections on one endpoint and runs each on the thread pool through an <see cref="IConnectionHandler"/>.
/// Lifecycle: <see cref="Start"/> binds (port 0 picks a free port, read back through <see cref="BoundEndPoint"/>);
/// <see cref="StopAsync"/> stops accepting, signals <see cref="ConnectionContext.ShutdownRequested"/>, waits for the
/// connections to finish their request in flight, and aborts whatever is left after the timeout.
/// Thread-safety: Start and StopAsync are called once each by the owner; everything else is internal.
/// </summary>
public sealed class SocketListener : IAsyncDisposable
{
    private static long s_nextConnectionId;

    private readonly ListenEndpoint _endpoint;
    private readonly IConnectionHandler _handler;
    private readonly NetworkOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<long, (SocketConnection Connection, Task Run)> _connections = new();
    private Socket? _listenSocket;
    private Task? _acceptLoop;

    public SocketListener(ListenEndpoint endpoint, IConnectionHandler handler, NetworkOptions options, ILogger logger)
    {
        _endpoint = endpoint;
        _handler = handler;
        _options = options;
        _logger = logger;
    }

    /// <summary>The endpoint actually bound; valid after <see cref="Start"/>.</summary>
    public IPEndPoint BoundEndPoint => (IPEndPoint)(_listenSocket?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    public string Name => _endpoint.Name;

    /// <summary>Number of open connections (for metrics and tests).</summary>
    public int ConnectionCount => _connections.Count;

    public void Start()
    {
        var socket = new Socket(_endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (_endpoint.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 && _endpoint.EndPoint.Address.Equals(IPAddress.IPv6Any))
            socket.DualMode = true;
        socket.Bind(_endpoint.EndPoint);
        socket.Listen(1024);
        _listenSocket = socket;
        NetworkLog.Listening(_logger, _endpoint.Name, BoundEndPoint.ToString());
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        var listen = _listenSocket!;
        while (!_shutdown.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listen.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException ex)
            {
                // Transient (e.g. the peer reset before accept completed, or file descriptors exhausted): keep serving.
                NetworkLog.AcceptFailed(_logger, _endpoint.EndPoint.ToString(), ex);
                continue;
            }

            accepted.NoDelay = true;
            if (_options.SendBufferBytes > 0) accepted.SendBufferSize = _options.SendBufferBytes;
            if (_options.ReceiveBufferBytes > 0) accepted.ReceiveBufferSize = _options.ReceiveBufferBytes;
            long id = Interlocked.Increment(ref s_nextConnectionId);
            var connection = new SocketConnection(id, accepted, _options, _shutdown.Token, _logger);
            NetworkLog.Accepted(_logger, id, connection.RemoteDisplay);
            var run = Task.Run(async () =>
            {
                try { await connection.RunAsync(_handler).ConfigureAwait(false); }
                finally { _connections.TryRemove(id, out _); }
            });
            _connections[id] = (connection, run);
        }
    }

    /// <summary>Graceful stop: no new connections, in-flight requests finish, stragglers are aborted after the timeout.</summary>
    public async Task StopAsync()
    {
        if (_listenSocket is null) return;
        _shutdown.Cancel();
        _listenSocket.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);

        var running = _connections.Values.ToArray();
        NetworkLog.Draining(_logger, _endpoint.EndPoint.ToString(), running.Length);
        var all = Task.WhenAll(running.Select(c => c.Run));
        if (await Task.WhenAny(all, Task.Delay(_options.ShutdownTimeout)).ConfigureAwait(false) != all)
        {
            var left = _connections.Values.ToArray();
            NetworkLog.AbortingStragglers(_logger, left.Length);
            foreach (var c in left) c.Connection.Abort("shutdown timeout");
            await Task.WhenAll(left.Select(c => c.Run)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }
}
