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
    private readonly RateLimitedLog _acceptErrors = new(TimeSpan.FromSeconds(10));
    private readonly RateLimitedLog _refusals = new(TimeSpan.FromSeconds(10));
    private readonly RateLimitedLog _slotWaits = new(TimeSpan.FromSeconds(10));
    private Socket? _listenSocket;
    private Task? _acceptLoop;
    private ITimer? _idleSweep;

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
        NetworkLog.Listening(_logger, _endpoint.Name, _endpoint.SecurityProtocol, BoundEndPoint.ToString());
        _acceptLoop = Task.Run(AcceptLoopAsync);
        if (_options.IdleTimeout > TimeSpan.Zero)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
            _idleSweep = TimeProvider.System.CreateTimer(_ => SweepIdle(), null, period, period);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var listen = _listenSocket!;
        var quotas = _options.Quotas;
        var backoff = _options.AcceptBackoff;
        while (!_shutdown.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                // max.connections: like Kafka's acceptor, wait for a slot; new clients queue in the kernel backlog.
                if (quotas.Total >= quotas.MaxConnections)
                {
                    if (_slotWaits.ShouldLog(out int held))
                        NetworkLog.WaitingForConnectionSlot(_logger, _endpoint.EndPoint.ToString(), quotas.Total, held);
                    await quotas.WaitForSlotAsync(_shutdown.Token).ConfigureAwait(false);
                }

                accepted = await listen.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
                backoff = _options.AcceptBackoff;
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException ex) when (IsOutOfDescriptors(ex))
            {
                // EMFILE/ENFILE: retrying at once fails at once, a busy loop that burns CPU and floods the log. Pause
                // (doubling up to 1 s) so closing connections can free descriptors, and log at most once per interval.
                if (_acceptErrors.ShouldLog(out int suppressed))
                    NetworkLog.AcceptOutOfDescriptors(_logger, _endpoint.EndPoint.ToString(), suppressed, (long)backoff.TotalMilliseconds, ex);
                try { await Task.Delay(backoff, _shutdown.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
                continue;
            }
            catch (SocketException ex)
            {
                // Transient (e.g. the peer reset before accept completed): keep serving.
                if (_acceptErrors.ShouldLog(out int suppressed))
                    NetworkLog.AcceptFailed(_logger, _endpoint.EndPoint.ToString(), suppressed, ex);
                continue;
            }

            var address = (accepted.RemoteEndPoint as IPEndPoint)?.Address;
            if (address is null || !quotas.TryAcquire(address))
            {
                // max.connections.per.ip: Kafka accepts, then closes the new connection and logs at info level.
                if (_refusals.ShouldLog(out int suppressed))
                    NetworkLog.TooManyConnectionsFromIp(_logger, accepted.RemoteEndPoint?.ToString() ?? "unknown", _endpoint.EndPoint.ToString(),
                        address is null ? "unknown" : ConnectionQuotas.Normalize(address).ToString(), address is null ? 0 : quotas.LimitOf(address), suppressed);
                accepted.Dispose();
                continue;
            }

            StartConnection(accepted, address);
        }
    }

    private void StartConnection(Socket accepted, IPAddress address)
    {
        try
        {
            accepted.NoDelay = true;
            if (_options.SendBufferBytes > 0) accepted.SendBufferSize = _options.SendBufferBytes;
            if (_options.ReceiveBufferBytes > 0) accepted.ReceiveBufferSize = _options.ReceiveBufferBytes;
        }
        catch (SocketException)
        {
            // The peer reset already; the connection's receive loop sees it and ends.
        }

        long id = Interlocked.Increment(ref s_nextConnectionId);
        var connection = new SocketConnection(id, accepted, _endpoint.Listener, _options, _shutdown.Token, _logger);
        NetworkLog.Accepted(_logger, id, connection.RemoteDisplay);
        var run = Task.Run(async () =>
        {
            try { await connection.RunAsync(_handler).ConfigureAwait(false); }
            finally
            {
                _connections.TryRemove(id, out _);
                _options.Quotas.Release(address);
            }
        });
        _connections[id] = (connection, run);
    }

    /// <summary>
    /// Closes connections idle (no byte either way) for longer than <see cref="NetworkOptions.IdleTimeout"/>, as Kafka's
    /// selector does with <c>connections.max.idle.ms</c>. Runs on a timer at a quarter of the timeout (at most 1 s).
    /// </summary>
    private void SweepIdle()
    {
        long limitMs = (long)_options.IdleTimeout.TotalMilliseconds;
        long now = Environment.TickCount64;
        foreach (var (connection, _) in _connections.Values)
            if (now - connection.LastActivityMs > limitMs)
                connection.Abort($"idle for more than connections.max.idle.ms={limitMs}");
    }

    private static bool IsOutOfDescriptors(SocketException ex) =>
        ex.SocketErrorCode == SocketError.TooManyOpenSockets || ex.ErrorCode is 23 or 24 || ex.NativeErrorCode is 23 or 24;

    /// <summary>Graceful stop: no new connections, in-flight requests finish, stragglers are aborted after the timeout.</summary>
    public async Task StopAsync()
    {
        if (_listenSocket is null) return;
        _shutdown.Cancel();
        _idleSweep?.Dispose();
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
            // Aborting cancels the connections' Closed tokens, which ends their waits; a handler that ignores them
            // must still not hold the shutdown forever.
            var aborted = Task.WhenAll(left.Select(c => c.Run));
            if (await Task.WhenAny(aborted, Task.Delay(_options.ShutdownTimeout)).ConfigureAwait(false) != aborted)
                NetworkLog.AbandoningConnections(_logger, _connections.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }
}
