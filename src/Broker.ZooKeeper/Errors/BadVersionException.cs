namespace Broker.ZooKeeper;

/// <summary>The expected version did not match the node's current version.</summary>
public sealed class BadVersionException : ZooKeeperException
{
    public BadVersionException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.BadVersion, path, detail, inner)
    {
    }
}
