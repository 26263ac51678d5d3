using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.ZooKeeper;

/// <summary>Settings of a <see cref="ZooKeeperClient"/>. Immutable once the client is constructed.</summary>
public sealed class ZooKeeperClientOptions
{
    /// <summary><c>host1:port1,host2:port2[/chroot]</c>; port defaults to 2181.</summary>
    public required string ConnectString { get; init; }

    /// <summary>Requested session timeout; the server clamps it to [2, 20] × its tickTime.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(18);

    /// <summary>
    /// How long <see cref="ZooKeeperClient.ConnectAsync"/> and any operation issued while disconnected wait for a
    /// connection before failing with <see cref="ConnectionLossException"/>.
    /// </summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// When the servers report the session expired, open a fresh session automatically and raise
    /// <see cref="ZooKeeperClient.SessionReestablished"/> so owners can recreate ephemerals and watches.
    /// When false the client stays <see cref="ZooKeeperState.Expired"/> and every operation throws
    /// <see cref="SessionExpiredException"/>.
    /// </summary>
    public bool AutoReestablishSession { get; init; } = true;

    /// <summary>First delay between failed connection attempts; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When set, every connection authenticates with SASL DIGEST-MD5 right after the session handshake, before any
    /// request. A refusal is terminal (<see cref="ZooKeeperState.AuthFailed"/>); null: unauthenticated.
    /// </summary>
    public ZooKeeperSaslCredentials? SaslCredentials { get; init; }

    /// <summary>
    /// The ACL of each node this client creates (CreateAsync and Create in a multi), by client-relative path; null
    /// means world:anyone with all permissions (ZooKeeper's OPEN_ACL_UNSAFE).
    /// </summary>
    public Func<string, IReadOnlyList<ZooKeeperAcl>>? AclProvider { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
