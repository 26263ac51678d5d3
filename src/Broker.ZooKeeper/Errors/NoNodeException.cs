namespace Broker.ZooKeeper;

/// <summary>The node (or, for create, its parent) does not exist.</summary>
public sealed class NoNodeException : ZooKeeperException
{
    public NoNodeException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.NoNode, path, detail, inner)
    {
    }
}
