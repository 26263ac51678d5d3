namespace Broker.ZooKeeper;

/// <summary>The node has children and cannot be deleted.</summary>
public sealed class NotEmptyException : ZooKeeperException
{
    public NotEmptyException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.NotEmpty, path, detail, inner)
    {
    }
}
