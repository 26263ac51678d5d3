using Broker.Coordination;
using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.ControllerChannel;
using Broker.Server.Replication;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

/// <summary>Start-up is refused because ZooKeeper cannot be reached or disagrees with the local state.</summary>
public sealed class ClusterStartupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// ZooKeeper mode. Prepare: connect (within zookeeper.connection.timeout.ms), ensure Kafka's persistent paths, read
/// or create the cluster id. Join (the listeners are bound only after it): register <c>/brokers/ids/&lt;id&gt;</c>
/// (waiting out a stale registration of this broker's previous life), start the controller candidate, load the
/// cluster view and host this broker's partitions in their roles. Hand over (listeners still open): controlled
/// shutdown. Leave (listeners closed): stop the fetchers and the controller, close the session last, so the
/// ephemeral nodes vanish at once and another broker takes over without waiting for the session timeout.
/// </summary>
public sealed partial class ZkClusterLifecycle(
    BrokerConfig config,
    ZooKeeperClient zk,
    KafkaZkStore store,
    ZkClusterMetadata metadata,
    KafkaController controller,
    ControllerChannelManager controllerChannel,
    BrokerRegistration registration,
    ControlledShutdown controlledShutdown,
    ILogger<ZkClusterLifecycle> logger,
    UserConfigCache? users = null,
    Broker.Coordination.Acls.AclCache? acls = null) : IClusterLifecycle
{
    public string Description => $"ZooKeeper {config.ZookeeperConnect}";

    public async Task PrepareAsync(CancellationToken ct)
    {
        try
        {
            await zk.ConnectAsync(ct).ConfigureAwait(false);
        }
        catch (AuthFailedException ex)
        {
            var login = Security.ZooKeeper.ZooKeeperLogin.Of(config);
            throw new ClusterStartupException(
                $"ZooKeeper at {config.ZookeeperConnect} refused this broker's SASL credentials (user '{login?.Username}' of the " +
                $"{Security.ZooKeeper.ZooKeeperLogin.ClientSection} section in {login?.JaasFile}): {ex.Message}. The password must match " +
                $"user_{login?.Username} in the ZooKeeper server's JAAS Server section", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new ClusterStartupException(
                $"cannot connect to ZooKeeper at {config.ZookeeperConnect} within {config.ZookeeperConnectionTimeoutMs} ms " +
                "(zookeeper.connection.timeout.ms); is it running? Start it with: bin/zookeeper-server-start.sh config/zookeeper.properties", ex);
        }

        await store.EnsurePersistentPathsAsync(ct).ConfigureAwait(false);
        metadata.ClusterId = await store.GetOrCreateClusterIdAsync(KafkaUuid.NewRandom().ToString(), ct).ConfigureAwait(false);
        // SCRAM credentials: every one is known before the listeners open.
        if (users is not null) await users.StartAsync(ct).ConfigureAwait(false);
        // ACLs (authorizer.class.name): every one is known before the listeners open, so no request is judged without them.
        if (acls is not null) await acls.StartAsync(ct).ConfigureAwait(false);
        LogConnected(config.ZookeeperConnect ?? "", zk.SessionId, metadata.ClusterId);
    }

    public async Task JoinAsync(CancellationToken ct)
    {
        try
        {
            await registration.RegisterAsync(ct).ConfigureAwait(false);
        }
        catch (DuplicateBrokerIdException ex)
        {
            throw new ClusterStartupException(ex.Message, ex);
        }

        controller.Start();
        await metadata.StartAsync(ct).ConfigureAwait(false);
    }

    public async Task HandOverAsync()
    {
        // Controlled shutdown (Kafka's): leadership moves to other in-sync replicas and this broker leaves the ISRs
        // before it stops, so producers and consumers switch over without waiting for the session to expire.
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(
                (config.ControlledShutdownRetryBackoffMs + config.ReplicaSocketTimeoutMs) * Math.Max(1, config.ControlledShutdownMaxRetries)));
            if (await controlledShutdown.RunAsync(SendToControllerAsync, cts.Token).ConfigureAwait(false))
                await metadata.WaitForAsync(_ => !LeadsReplicatedPartitions(), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task LeaveAsync()
    {
        registration.Dispose(); // no re-registration from here on
        await metadata.StopFetchersAsync().ConfigureAwait(false);
        await controller.DisposeAsync().ConfigureAwait(false);
        await controllerChannel.DisposeAsync().ConfigureAwait(false);
        await metadata.DisposeAsync().ConfigureAwait(false);
        if (users is not null) await users.DisposeAsync().ConfigureAwait(false);
        if (acls is not null) await acls.DisposeAsync().ConfigureAwait(false);
        // Last: /controller and /brokers/ids/<id> vanish with the session, and another broker takes over at once.
        await zk.DisposeAsync().ConfigureAwait(false);
        LogSessionClosed(config.BrokerId);
    }

    public async Task AbandonAsync()
    {
        registration.Dispose(); // no re-registration from here on
        // Only the session close: /brokers/ids/<id> (and /controller, if held here) vanish now, and the controller
        // moves this broker's leaderships and shrinks its ISRs; the process exits next.
        await zk.DisposeAsync().ConfigureAwait(false);
        LogSessionClosed(config.BrokerId);
    }

    private bool LeadsReplicatedPartitions() =>
        metadata.Topics.Any(t => t.Partitions.Any(p => p.Leader == config.BrokerId && p.Isr.Any(r => r != config.BrokerId)));

    private async Task<ControlledShutdownResponse> SendToControllerAsync(int controllerId, ControlledShutdownRequest request, CancellationToken ct)
    {
        var node = metadata.Brokers.FirstOrDefault(b => b.Id == controllerId)
            ?? throw new IOException($"controller {controllerId} is not a live broker");
        var timeout = TimeSpan.FromMilliseconds(Math.Max(1000, config.ReplicaSocketTimeoutMs));
        await using var client = await BrokerClient.ConnectToBrokerAsync(config, controllerId, node.Host, node.Port, $"broker-{config.BrokerId}-shutdown", timeout, ct).ConfigureAwait(false);
        return await client.SendAsync<ControlledShutdownResponse>(request, 3, timeout, ct).ConfigureAwait(false);
    }

    /// <summary>This broker's registration value from its advertised listeners.</summary>
    public static BrokerIdZNode RegistrationOf(BrokerConfig config, TimeProvider time)
    {
        var endpoints = config.AdvertisedListeners
            .Select(l => new BrokerEndpoint(l.ListenerName, string.IsNullOrEmpty(l.Host) ? "localhost" : l.Host, l.Port,
                config.ListenerSecurityProtocolMap.TryGetValue(l.ListenerName, out var p) ? p : l.ListenerName))
            .ToList();
        return new BrokerIdZNode(config.BrokerId, endpoints, config.BrokerRack, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [LoggerMessage(524, LogLevel.Information, "Broker {BrokerId}: ZooKeeper session closed; left the cluster")]
    private partial void LogSessionClosed(int brokerId);

    [LoggerMessage(520, LogLevel.Information, "Connected to ZooKeeper {Connect} (session 0x{Session:x}); cluster id {ClusterId}")]
    private partial void LogConnected(string connect, long session, string clusterId);
}
