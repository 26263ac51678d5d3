namespace Broker.ZooKeeper;

/// <summary>The server did not complete the operation in time.</summary>
public sealed class OperationTimeoutException : ZooKeeperException
{
    public OperationTimeoutException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.OperationTimeout, path, detail, inner)
    {
    }
}
