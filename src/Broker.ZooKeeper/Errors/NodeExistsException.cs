namespace Broker.ZooKeeper;

/// <summary>A node already exists at the path.</summary>
public sealed class NodeExistsException : ZooKeeperException
{
    public NodeExistsException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.NodeExists, path, detail, inner)
    {
    }
}
