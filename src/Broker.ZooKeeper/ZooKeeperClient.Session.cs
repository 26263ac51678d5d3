using System.Net.Sockets;
using Broker.ZooKeeper.Connection;
using Broker.ZooKeeper.Protocol;
using Polly;
using Polly.Retry;

namespace Broker.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    private static readonly TimeSpan s_closeSessionWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_minAttemptTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The background session loop: connect (retrying across hosts), serve until the connection closes, repeat.
    /// Ends when the client is disposed or the session expired without <see cref="ZooKeeperClientOptions.AutoReestablishSession"/>.
    /// </summary>
    private async Task RunSessionAsync()
    {
        var token = _lifetime.Token;
        while (!token.IsCancellationRequested)
        {
            SetState(ZooKeeperState.Connecting);
            ZooKeeperConnection connection;
            ConnectResult result;
            try
            {
                (connection, result) = await _connectPipeline.ExecuteAsync(ConnectOnceAsync, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (AuthFailedException e)
            {
                OnAuthFailed(e);
                return;
            }

            if (result.TimeoutMs <= 0)
            {
                OnSessionExpired();
                if (!_options.AutoReestablishSession)
                {
                    return;
                }

                continue;
            }

            OnConnected(connection, result);
            try
            {
                await connection.Completion.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // disposing: DisposeAsync closes the session on this connection
            }

            OnDisconnected(connection);
        }
    }

    private async ValueTask<(ZooKeeperConnection, ConnectResult)> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var hosts = _connectString.Hosts;
        var endPoint = hosts[(int)((uint)Interlocked.Increment(ref _hostCursor) % (uint)hosts.Count)];
        long sessionId;
        byte[] password;
        lock (_stateGate)
        {
            sessionId = _sessionId;
            password = _password;
        }

        var attemptTimeout = _options.SessionTimeout / hosts.Count;
        if (attemptTimeout < s_minAttemptTimeout)
        {
            attemptTimeout = s_minAttemptTimeout;
        }

        var session = (Volatile.Read(ref _lastZxid), (int)_options.SessionTimeout.TotalMilliseconds, sessionId, password);
        try
        {
            return await ZooKeeperConnection.OpenAsync(endPoint, session, attemptTimeout, this, _logger, _options.SaslCredentials, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ZooKeeperLog.ConnectAttemptFailed(_logger, $"{endPoint.Host}:{endPoint.Port}", e);
            throw;
        }
    }

    private ResiliencePipeline BuildConnectPipeline() => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<SocketException>()
                .Handle<IOException>()
                .Handle<TimeoutException>()
                .Handle<InvalidDataException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.ReconnectDelay,
            MaxDelay = _options.MaxReconnectDelay,
        })
        .Build();

    private void OnConnected(ZooKeeperConnection connection, ConnectResult result)
    {
        Func<Task>? reestablished = null;
        lock (_stateGate)
        {
            var sameSession = _sessionId == result.SessionId;
            _sessionId = result.SessionId;
            _password = result.Password;
            _negotiatedTimeoutMs = result.TimeoutMs;
            if (sameSession)
            {
                // Queued ahead of any request waiting for this connection, as the protocol requires.
                SendSetWatches(connection);
            }

            _connection = connection;
            _ready.TrySetResult(connection);
            ZooKeeperLog.Connected(_logger, result.SessionId, connection.Server, result.TimeoutMs);
            SetStateLocked(ZooKeeperState.Connected);
            if (_reestablishPending)
            {
                _reestablishPending = false;
                reestablished = RaiseSessionReestablishedAsync;
            }
        }

        if (reestablished is not null)
        {
            _dispatcher.Enqueue(reestablished);
        }
    }

    private void OnDisconnected(ZooKeeperConnection connection)
    {
        lock (_stateGate)
        {
            // Called twice per connection (when it closes, and by the session loop once its loops ended); only
            // the first call for the current connection changes anything.
            if (_connection != connection)
            {
                return;
            }

            _connection = null;
            if (_ready.Task.IsCompleted)
            {
                _ready = NewReadySignal();
            }

            SetStateLocked(ZooKeeperState.Disconnected);
        }
    }

    void IConnectionOwner.OnClosed(ZooKeeperConnection connection) => OnDisconnected(connection);

    private void OnSessionExpired()
    {
        lock (_stateGate)
        {
            ZooKeeperLog.SessionExpired(_logger, _sessionId);
            _sessionId = 0;
            _password = new byte[16];
            _negotiatedTimeoutMs = 0;
            SetStateLocked(ZooKeeperState.Expired);
            NotifyAllWatchersLocked(ZooKeeperState.Expired);
            if (_options.AutoReestablishSession)
            {
                _reestablishPending = true;
            }
            else
            {
                _ready.TrySetException(new SessionExpiredException(null, "the session expired and AutoReestablishSession is off"));
                _ = _ready.Task.Exception; // observed: nobody may be waiting
            }
        }
    }

    /// <summary>Terminal, as in ZooKeeper's Java client: the same credentials cannot succeed on a retry.</summary>
    private void OnAuthFailed(AuthFailedException e)
    {
        lock (_stateGate)
        {
            ZooKeeperLog.AuthFailed(_logger, e.Message);
            SetStateLocked(ZooKeeperState.AuthFailed);
            NotifyAllWatchersLocked(ZooKeeperState.AuthFailed);
            _ready.TrySetException(e);
            _ = _ready.Task.Exception; // observed: nobody may be waiting
        }
    }

    private async Task RaiseSessionReestablishedAsync()
    {
        if (SessionReestablished is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
        {
            try
            {
                await handler().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ZooKeeperLog.CallbackFailed(_logger, e);
            }
        }
    }

    /// <summary>Sends CloseSession on the live connection (if any), waits briefly for the reply, then drops it.</summary>
    private async Task CloseSessionAsync()
    {
        ZooKeeperConnection? connection;
        lock (_stateGate)
        {
            connection = _state == ZooKeeperState.Connected ? _connection : null;
            _connection = null;
        }

        if (connection is null)
        {
            return;
        }

        var writer = NewRequest(OpCode.CloseSession);
        var request = new PendingRequest<bool>(writer, OpCode.CloseSession, null, static (_, ref _) => true);
        connection.Send(request);
        try
        {
            await request.Task.WaitAsync(s_closeSessionWait).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ZooKeeperException or TimeoutException)
        {
            // Best effort: the servers expire the session after its timeout anyway.
        }

        connection.Abort("session closed");
        await connection.Completion.ConfigureAwait(false);
    }

    private void SetState(ZooKeeperState state)
    {
        lock (_stateGate)
        {
            SetStateLocked(state);
        }
    }

    /// <summary>Changes state and queues the StateChanged callback, so callbacks observe transitions in order.</summary>
    private void SetStateLocked(ZooKeeperState state)
    {
        if (_state == state || _state == ZooKeeperState.Closed || (_disposing && state != ZooKeeperState.Closed))
        {
            return;
        }

        ZooKeeperLog.StateChanged(_logger, _state, state);
        _state = state;
        _dispatcher.Enqueue(() =>
        {
            StateChanged?.Invoke(state);
            return Task.CompletedTask;
        });
    }

    /// <summary>Waits for a live connection of the current session.</summary>
    private ValueTask<ZooKeeperConnection> GetConnectionAsync(string? path, CancellationToken cancellationToken)
    {
        Task<ZooKeeperConnection> ready;
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposing, this);
            if (_sessionLoop is null)
            {
                throw new InvalidOperationException("Call ConnectAsync before issuing ZooKeeper operations.");
            }

            ready = _ready.Task;
        }

        return ready.IsCompletedSuccessfully ? new ValueTask<ZooKeeperConnection>(ready.Result) : WaitAsync(ready, path, cancellationToken);
    }

    private async ValueTask<ZooKeeperConnection> WaitAsync(Task<ZooKeeperConnection> ready, string? path, CancellationToken cancellationToken)
    {
        try
        {
            return await ready.WaitAsync(_options.ConnectionTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (ready.IsCompletedSuccessfully)
        {
            // Connected just as the timer fired (seen at load 70: connected 0.4 s before the timeout was reported).
            return ready.Result;
        }
        catch (TimeoutException)
        {
            throw new ConnectionLossException(path, $"not connected within {_options.ConnectionTimeout}");
        }
    }
}
