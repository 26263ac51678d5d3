namespace Broker.ZooKeeper;

/// <summary>The connection dropped (or none was available) before a reply arrived; the operation may or may not have been applied.</summary>
public sealed class ConnectionLossException : ZooKeeperException
{
    public ConnectionLossException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.ConnectionLoss, path, detail, inner)
    {
    }
}
