namespace Broker.ZooKeeper;

/// <summary>Ephemeral nodes cannot have children.</summary>
public sealed class NoChildrenForEphemeralsException : ZooKeeperException
{
    public NoChildrenForEphemeralsException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.NoChildrenForEphemerals, path, detail, inner)
    {
    }
}
