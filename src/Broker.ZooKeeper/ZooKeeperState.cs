namespace Broker.ZooKeeper;

/// <summary>
/// Connection/session state of a <see cref="ZooKeeperClient"/>.
/// Transitions: Disconnected (initial) → Connecting → Connected → Disconnected → Connecting → … ;
/// Connecting → Expired (server reported the session gone) → Connecting (only with
/// <see cref="ZooKeeperClientOptions.AutoReestablishSession"/>) ; Connecting → AuthFailed (terminal) ; any → Closed (terminal, after DisposeAsync).
/// </summary>
public enum ZooKeeperState
{
    /// <summary>No TCP connection; the session may still be alive on the servers.</summary>
    Disconnected,

    /// <summary>Trying servers of the connect string.</summary>
    Connecting,

    /// <summary>A server accepted the session; requests flow.</summary>
    Connected,

    /// <summary>The servers expired the session: its ephemerals and watches are gone.</summary>
    Expired,

    /// <summary>
    /// The servers refused the SASL credentials (<see cref="ZooKeeperClientOptions.SaslCredentials"/>); terminal until
    /// disposed, every operation fails with <see cref="AuthFailedException"/>.
    /// </summary>
    AuthFailed,

    /// <summary>The client was disposed; the session was closed.</summary>
    Closed,
}
