namespace Broker.ZooKeeper;

/// <summary>The session expired; its ephemerals and watches are gone.</summary>
public sealed class SessionExpiredException : ZooKeeperException
{
    public SessionExpiredException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.SessionExpired, path, detail, inner)
    {
    }
}
