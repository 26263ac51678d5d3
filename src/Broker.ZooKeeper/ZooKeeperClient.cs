using Broker.ZooKeeper.Connection;
using Broker.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Polly;

namespace Broker.ZooKeeper;

/// <summary>
/// An asynchronous ZooKeeper client holding one session over one TCP connection at a time.
/// <para>
/// Lifetime: construct, <see cref="ConnectAsync"/>, use, <see cref="DisposeAsync"/> (closes the session, so its
/// ephemerals disappear at once). When the connection drops the client reconnects in the background to the next
/// server of the connect string (Polly retry with exponential backoff and jitter) within the same session and
/// re-registers its watches (SetWatches). Requests that were in flight fail with
/// <see cref="ConnectionLossException"/> (they may or may not have been applied); requests issued while
/// disconnected wait up to <see cref="ZooKeeperClientOptions.ConnectionTimeout"/> for the connection to return.
/// </para>
/// <para>
/// Thread-safety: all members may be called concurrently from any thread. Replies are matched to requests by
/// xid in wire order. Cancelling an operation's token abandons the wait only: the request may still be applied.
/// </para>
/// <para>
/// Callbacks: watch callbacks, <see cref="StateChanged"/> and <see cref="SessionReestablished"/> all run on one
/// background dispatcher, one at a time, in the order the triggering frames or transitions happened. They may
/// await client operations but must not block waiting for a later event. The dispatcher never runs on the
/// caller's thread.
/// </para>
/// </summary>
public sealed partial class ZooKeeperClient : IAsyncDisposable, IConnectionOwner
{
    private readonly ZooKeeperClientOptions _options;
    private readonly ConnectionString _connectString;
    private readonly ILogger _logger;
    private readonly WatchRegistry _watches = new();
    private readonly EventDispatcher _dispatcher;
    private readonly ResiliencePipeline _connectPipeline;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _stateGate = new();

    // Guarded by _stateGate.
    private ZooKeeperState _state = ZooKeeperState.Disconnected;
    private ZooKeeperConnection? _connection;
    private TaskCompletionSource<ZooKeeperConnection> _ready = NewReadySignal();
    private Task? _sessionLoop;
    private long _sessionId;
    private byte[] _password = new byte[16];
    private int _negotiatedTimeoutMs;
    private bool _reestablishPending;
    private bool _disposing;

    private long _lastZxid;
    private int _xid;
    private int _hostCursor;

    public ZooKeeperClient(ZooKeeperClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _connectString = ConnectionString.Parse(options.ConnectString);
        _logger = options.Logger;
        _dispatcher = new EventDispatcher(_logger);
        _connectPipeline = BuildConnectPipeline();
        _hostCursor = Random.Shared.Next(_connectString.Hosts.Count);
    }

    /// <summary>
    /// Raised on every state transition, on the dispatcher (see class remarks), in transition order.
    /// The argument is the new state; by the time a handler runs <see cref="State"/> may have moved on.
    /// </summary>
    public event Action<ZooKeeperState>? StateChanged;

    /// <summary>
    /// Raised (and awaited) on the dispatcher after the client replaced an expired session with a new one, once the
    /// new session is <see cref="ZooKeeperState.Connected"/>. Handlers recreate ephemerals and watches. Only used
    /// with <see cref="ZooKeeperClientOptions.AutoReestablishSession"/>.
    /// </summary>
    public event Func<Task>? SessionReestablished;

    public ZooKeeperState State
    {
        get
        {
            lock (_stateGate)
            {
                return _state;
            }
        }
    }

    /// <summary>Current session id; 0 before the first connection and after expiry.</summary>
    public long SessionId
    {
        get
        {
            lock (_stateGate)
            {
                return _sessionId;
            }
        }
    }

    /// <summary>The session timeout granted by the server (zero before the first connection).</summary>
    public TimeSpan NegotiatedSessionTimeout
    {
        get
        {
            lock (_stateGate)
            {
                return TimeSpan.FromMilliseconds(_negotiatedTimeoutMs);
            }
        }
    }

    /// <summary>"host:port" of the server currently connected to, or null when disconnected.</summary>
    public string? ConnectedServer
    {
        get
        {
            lock (_stateGate)
            {
                return _state == ZooKeeperState.Connected ? _connection?.Server : null;
            }
        }
    }

    /// <summary>
    /// Starts the session and waits until connected. Throws <see cref="ConnectionLossException"/> if no server
    /// accepted the session within <see cref="ZooKeeperClientOptions.ConnectionTimeout"/>; the client keeps trying in
    /// the background until disposed.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposing, this);
            _sessionLoop ??= Task.Run(RunSessionAsync);
        }

        await GetConnectionAsync(null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_stateGate)
        {
            if (_disposing)
            {
                return;
            }

            _disposing = true;
            loop = _sessionLoop;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        await CloseSessionAsync().ConfigureAwait(false);
        lock (_stateGate)
        {
            SetStateLocked(ZooKeeperState.Closed);
            _ready.TrySetException(new ObjectDisposedException(nameof(ZooKeeperClient)));
            _ = _ready.Task.Exception; // observed: nobody may be waiting
            NotifyAllWatchersLocked(ZooKeeperState.Closed);
        }

        await _dispatcher.CompleteAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private static TaskCompletionSource<ZooKeeperConnection> NewReadySignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
