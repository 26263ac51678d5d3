namespace Broker.ZooKeeper;

/// <summary>
/// The server refused this client's SASL credentials (AUTHFAILED), or its proof did not match. Terminal: the client
/// stops connecting (<see cref="ZooKeeperState.AuthFailed"/>), as ZooKeeper's Java client does, since retrying with the
/// same credentials cannot succeed.
/// </summary>
public sealed class AuthFailedException : ZooKeeperException
{
    public AuthFailedException(string? detail, Exception? inner = null)
        : base(ZooKeeperErrorCode.AuthFailed, null, detail, inner)
    {
    }
}
