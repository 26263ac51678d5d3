using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination;

/// <summary>Start-up is refused because another live broker already uses this broker.id.</summary>
public sealed class DuplicateBrokerIdException(string message) : Exception(message);

/// <summary>
/// Keeps this broker's ephemeral <c>/brokers/ids/&lt;id&gt;</c> registration: creates it at start-up and again after
/// a new ZooKeeper session. A node left by this broker's previous life (same endpoints; its session not yet expired
/// after a kill -9) is waited out for up to the session timeout; a node with other endpoints means a duplicate
/// broker.id and stops start-up with a clear message. After a session expiry the registration is retried with
/// back-off (100 ms doubling to 5 s) until it succeeds or the broker stops; meanwhile <see cref="IsRegistered"/> is
/// false. Thread-safety: re-registrations run one at a time (a semaphore); the status properties may be read by any
/// thread.
/// </summary>
public sealed partial class BrokerRegistration : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly KafkaZkStore _store;
    private readonly BrokerIdZNode _node;
    private readonly TimeSpan _sessionTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private long _brokerEpoch = -1;
    private long _registeredSession;
    private int _failedAttempts;

    public BrokerRegistration(KafkaZkStore store, BrokerIdZNode node, TimeSpan sessionTimeout, ILogger<BrokerRegistration> logger)
    {
        _store = store;
        _node = node;
        _sessionTimeout = sessionTimeout;
        _logger = logger;
        store.Client.SessionReestablished += () =>
        {
            // Off the client's event dispatcher: the retry loop may run for a long time.
            _ = Task.Run(ReregisterAsync);
            return Task.CompletedTask;
        };
    }

    /// <summary>The broker epoch: czxid of the current registration znode (-1 before the first one). A
    /// re-registration after a session expiry replaces it; controlled shutdown reads it at each attempt.</summary>
    public long BrokerEpoch => Interlocked.Read(ref _brokerEpoch);

    /// <summary>True while the registration node exists in the client's current session (false after an expiry
    /// until the re-registration succeeds).</summary>
    public bool IsRegistered => Interlocked.Read(ref _registeredSession) is var s && s != 0 && s == _store.Client.SessionId;

    /// <summary>Re-registration attempts that failed since start (observability and tests).</summary>
    public int FailedAttempts => Volatile.Read(ref _failedAttempts);

    public async Task RegisterAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _sessionTimeout + TimeSpan.FromSeconds(5);
        bool waitLogged = false;
        while (true)
        {
            try
            {
                long session = _store.Client.SessionId;
                long epoch = await _store.RegisterBrokerAsync(_node, ct).ConfigureAwait(false);
                Registered(epoch, session);
                LogRegistered(_node.Id, string.Join(",", _node.Endpoints), epoch);
                return;
            }
            catch (NodeExistsException)
            {
                var existing = await _store.GetBrokerAsync(_node.Id, null, ct).ConfigureAwait(false);
                if (existing is null) continue; // vanished meanwhile
                if (existing.Value.Stat.EphemeralOwner == _store.Client.SessionId)
                {
                    // Ours already: an earlier create whose reply was lost. Its czxid is the epoch.
                    Registered(existing.Value.Stat.Czxid, existing.Value.Stat.EphemeralOwner);
                    LogRegistered(_node.Id, string.Join(",", _node.Endpoints), existing.Value.Stat.Czxid);
                    return;
                }

                bool sameEndpoints = existing.Value.Broker.Endpoints.Select(e => e.ToString()).SequenceEqual(_node.Endpoints.Select(e => e.ToString()));
                if (!sameEndpoints)
                {
                    throw new DuplicateBrokerIdException(
                        $"broker.id {_node.Id} is already registered in ZooKeeper by another live broker " +
                        $"({string.Join(",", existing.Value.Broker.Endpoints)}); give each broker a unique broker.id");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new DuplicateBrokerIdException(
                        $"broker.id {_node.Id} is still registered in ZooKeeper by another session with the same endpoints " +
                        $"after {_sessionTimeout.TotalSeconds:0} s; is this broker already running?");
                }

                if (!waitLogged) LogWaitingForStale(_node.Id, existing.Value.Broker.Endpoints.Count > 0 ? existing.Value.Broker.Endpoints[0].ToString() : "?");
                waitLogged = true;
                var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var stat = await _store.Client.ExistsAsync(BrokerIdZNode.PathOf(_node.Id), _ => { gone.TrySetResult(); return Task.CompletedTask; }, ct).ConfigureAwait(false);
                if (stat is not null) await Task.WhenAny(gone.Task, Task.Delay(TimeSpan.FromSeconds(1), ct)).ConfigureAwait(false);
            }
        }
    }

    private void Registered(long epoch, long session)
    {
        Interlocked.Exchange(ref _brokerEpoch, epoch);
        Interlocked.Exchange(ref _registeredSession, session);
    }

    /// <summary>
    /// After a new session: register again, retrying with back-off until it succeeds or the broker stops. Each
    /// attempt includes the stale-registration wait (a node of another session with our endpoints is waited out).
    /// </summary>
    private async Task ReregisterAsync()
    {
        var ct = _stop.Token;
        try
        {
            await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var backoff = FirstBackoff;
            for (int attempt = 1; !ct.IsCancellationRequested; attempt++)
            {
                try
                {
                    await RegisterAsync(ct).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref _failedAttempts);
                    LogReregisterFailed(ex, _node.Id, attempt, (int)backoff.TotalMilliseconds);
                }

                try
                {
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Stops re-registering (shutdown, before the session closes). Idempotent.</summary>
    public void Dispose()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
    }

    [LoggerMessage(420, LogLevel.Information, "Registered broker {BrokerId} at /brokers/ids/{BrokerId} with endpoints {Endpoints} (broker epoch {Epoch})")]
    private partial void LogRegistered(int brokerId, string endpoints, long epoch);

    [LoggerMessage(421, LogLevel.Warning, "Broker {BrokerId}: a registration from a previous run ({Endpoint}) is still in ZooKeeper; waiting for its session to expire")]
    private partial void LogWaitingForStale(int brokerId, string endpoint);

    [LoggerMessage(422, LogLevel.Error, "Broker {BrokerId}: re-registration after a new ZooKeeper session failed (attempt {Attempt}); retrying in {BackoffMs} ms")]
    private partial void LogReregisterFailed(Exception ex, int brokerId, int attempt, int backoffMs);
}
