namespace Broker.ZooKeeper;

/// <summary>The session was moved to another server while the request was in flight.</summary>
public sealed class SessionMovedException : ZooKeeperException
{
    public SessionMovedException(string? path, string? detail = null, Exception? inner = null)
        : base(ZooKeeperErrorCode.SessionMoved, path, detail, inner)
    {
    }
}
