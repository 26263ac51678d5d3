namespace Broker.ZooKeeper;

/// <summary>The session lacks permission for the operation.</summary>
public sealed class NoAuthException : ZooKeeperException
{
    public NoAuthException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.NoAuth, path, detail, inner)
    {
    }
}
