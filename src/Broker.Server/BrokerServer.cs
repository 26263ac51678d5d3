using System.Net;
using Broker.Network;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Broker.Server.Topics;
using Broker.Storage.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server;

/// <summary>
/// The broker's lifecycle. Start: recover the logs, join the cluster (registered, view loaded, roles applied), only
/// then bind the listeners, log one "ready" line. Stop (SIGTERM / Ctrl+C): hand leadership over, stop accepting and
/// let in-flight requests finish, leave the cluster (close the ZooKeeper session), flush and close every log.
/// </summary>
public sealed partial class BrokerServer : IHostedService
{
    private readonly BrokerConfig _config;
    private readonly LogManager _logs;
    private readonly IClusterLifecycle _cluster;
    private readonly IClusterMetadata _metadata;
    private readonly KafkaConnectionHandler _handler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly List<SocketListener> _listeners = [];
    private readonly ProcessHalt _halt;
    private readonly LogDirs.ILogDirFailureHandler _logDirFailureHandler;

    public BrokerServer(BrokerConfig config, LogManager logs, IClusterLifecycle cluster, IClusterMetadata metadata, KafkaConnectionHandler handler, ILoggerFactory loggerFactory, ProcessHalt halt,
        LogDirs.ILogDirFailureHandler logDirFailureHandler)
    {
        _logDirFailureHandler = logDirFailureHandler;
        _halt = halt;
        _config = config;
        _logs = logs;
        _cluster = cluster;
        _metadata = metadata;
        _handler = handler;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<BrokerServer>();
        _logs.Failures.LogDirFailed += OnLogDirFailed;
    }

    /// <summary>The bound endpoints (port 0 in the config is resolved here); valid after start.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints => _listeners.Select(l => l.BoundEndPoint).ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _cluster.PrepareAsync(cancellationToken).ConfigureAwait(false);
        _logs.Start();

        // A broker is either ready or not listening (as Kafka, which binds its listeners after registering and
        // loading its metadata): while the join waits out a stale registration or loads the cluster view, clients
        // get "connection refused" and try another broker, instead of an empty view that makes librdkafka forget
        // the topic. Inter-broker traffic shares the listener; nothing needs to reach this broker before it is ready
        // (it fetches from leaders and asks the controller outbound; a broker elected leader while joining is
        // reachable moments later, and its followers retry).
        await _cluster.JoinAsync(cancellationToken).ConfigureAwait(false);
        var options = new NetworkOptions
        {
            SendBufferBytes = _config.SocketSendBufferBytes,
            ReceiveBufferBytes = _config.SocketReceiveBufferBytes,
            IdleTimeout = _config.ConnectionsMaxIdleMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(_config.ConnectionsMaxIdleMs),
            // One instance for all listeners: max.connections is broker-wide.
            Quotas = new ConnectionQuotas(MaxConnections(), _config.MaxConnectionsPerIp, ResolveOverrides(_config.MaxConnectionsPerIpOverrides)),
        };
        foreach (var listener in _config.Listeners)
        {
            var endpoint = new ListenEndpoint(listener.ListenerName, Resolve(listener.Host, listener.Port),
                _config.ListenerSecurityProtocolMap[listener.ListenerName]);
            var socketListener = new SocketListener(endpoint, _handler, options, _loggerFactory.CreateLogger<SocketListener>());
            socketListener.Start();
            _listeners.Add(socketListener);
        }

        string bound = string.Join(",", _config.Listeners.Zip(_listeners, (l, s) => $"{l.ListenerName}://{l.Host}:{s.BoundEndPoint.Port} ({_config.ListenerSecurityProtocolMap[l.ListenerName]})"));
        string advertised = string.Join(",", _config.AdvertisedListeners.Select(l => l.ToString()));
        LogReady(_config.BrokerId, bound, advertised, _cluster.Description, _metadata.Topics.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping(_config.BrokerId);
        await _logDirFailures.CancelAsync().ConfigureAwait(false);
        // Controlled shutdown first, listeners open: followers finish fetching, clients learn the new leaders.
        await _cluster.HandOverAsync().ConfigureAwait(false);
        // Then no request is served any more, before the broker leaves the cluster: once its ZooKeeper session closes
        // another broker may lead its partitions, and nothing (acks=1 produce included) may be acknowledged here.
        await Task.WhenAll(_listeners.Select(l => l.StopAsync())).ConfigureAwait(false);
        LogListenersClosed(_config.BrokerId);
        await _cluster.LeaveAsync().ConfigureAwait(false);
        _logs.Dispose();
        LogStopped(_config.BrokerId);
    }

    /// <summary>
    /// max.connections, but at most half the process's open-file limit: sockets must never take the descriptors the
    /// logs need, because an EMFILE while writing a checkpoint takes the log dir offline and halts the broker (seen with
    /// ulimit -n 300 and 400 clients). Kafka has no such cap; the accept loop waits at it exactly as at max.connections.
    /// </summary>
    private int MaxConnections()
    {
        int configured = _config.MaxConnections;
        if (PartitionCountLimit.ReadDescriptors() is not { } d) return configured;
        long cap = Math.Max(1, d.SoftLimit / 2);
        if (configured <= cap) return configured;
        LogConnectionsCapped(configured, (int)cap, d.SoftLimit);
        return (int)cap;
    }

    [LoggerMessage(590, LogLevel.Information, "max.connections={Configured} is above half the open-file limit ({SoftLimit}); accepting at most {Cap} connections so the logs keep their descriptors")]
    private partial void LogConnectionsCapped(int configured, int cap, long softLimit);

    /// <summary>max.connections.per.ip.overrides by address; a host name counts for each of its addresses.</summary>
    private static Dictionary<IPAddress, int> ResolveOverrides(IReadOnlyList<(string Host, int Count)> overrides)
    {
        var byAddress = new Dictionary<IPAddress, int>();
        foreach (var (host, count) in overrides)
            foreach (var address in IPAddress.TryParse(host, out var ip) ? [ip] : Dns.GetHostAddresses(host))
                byAddress[ConnectionQuotas.Normalize(address)] = count;
        return byAddress;
    }

    private static IPEndPoint Resolve(string host, int port)
    {
        if (string.IsNullOrEmpty(host) || host == "0.0.0.0") return new IPEndPoint(IPAddress.Any, port);
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        var addresses = Dns.GetHostAddresses(host);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses[0];
        return new IPEndPoint(chosen, port);
    }

    [LoggerMessage(1, LogLevel.Information, "Broker {BrokerId} ready: serving {Listeners} (advertised {Advertised}); {Mode}; {Topics} topic(s)")]
    private partial void LogReady(int brokerId, string listeners, string advertised, string mode, int topics);

    [LoggerMessage(2, LogLevel.Information, "Broker {BrokerId} shutting down: handing over leadership, then no new connections, finishing in-flight requests")]
    private partial void LogStopping(int brokerId);

    [LoggerMessage(523, LogLevel.Information, "Broker {BrokerId}: listeners closed, in-flight requests done; leaving the cluster")]
    private partial void LogListenersClosed(int brokerId);

    [LoggerMessage(3, LogLevel.Information, "Broker {BrokerId} stopped; logs flushed")]
    private partial void LogStopped(int brokerId);
}
