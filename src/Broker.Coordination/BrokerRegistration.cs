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
/// broker.id and stops start-up with a clear message.
/// </summary>
public sealed partial class BrokerRegistration
{
    private readonly KafkaZkStore _store;
    private readonly BrokerIdZNode _node;
    private readonly TimeSpan _sessionTimeout;
    private readonly ILogger _logger;

    public BrokerRegistration(KafkaZkStore store, BrokerIdZNode node, TimeSpan sessionTimeout, ILogger<BrokerRegistration> logger)
    {
        _store = store;
        _node = node;
        _sessionTimeout = sessionTimeout;
        _logger = logger;
        store.Client.SessionReestablished += async () =>
        {
            try
            {
                await RegisterAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogReregisterFailed(ex, _node.Id);
            }
        };
    }

    /// <summary>The broker epoch: czxid of the registration znode.</summary>
    public long BrokerEpoch { get; private set; } = -1;

    public async Task RegisterAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _sessionTimeout + TimeSpan.FromSeconds(5);
        bool waitLogged = false;
        while (true)
        {
            try
            {
                BrokerEpoch = await _store.RegisterBrokerAsync(_node, ct).ConfigureAwait(false);
                LogRegistered(_node.Id, string.Join(",", _node.Endpoints), BrokerEpoch);
                return;
            }
            catch (NodeExistsException)
            {
                var existing = await _store.GetBrokerAsync(_node.Id, null, ct).ConfigureAwait(false);
                if (existing is null) continue; // vanished meanwhile
                if (existing.Value.Stat.EphemeralOwner == _store.Client.SessionId) return; // ours, already there
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

    [LoggerMessage(420, LogLevel.Information, "Registered broker {BrokerId} at /brokers/ids/{BrokerId} with endpoints {Endpoints} (broker epoch {Epoch})")]
    private partial void LogRegistered(int brokerId, string endpoints, long epoch);

    [LoggerMessage(421, LogLevel.Warning, "Broker {BrokerId}: a registration from a previous run ({Endpoint}) is still in ZooKeeper; waiting for its session to expire")]
    private partial void LogWaitingForStale(int brokerId, string endpoint);

    [LoggerMessage(422, LogLevel.Error, "Broker {BrokerId}: re-registration after a new ZooKeeper session failed")]
    private partial void LogReregisterFailed(Exception ex, int brokerId);
}
