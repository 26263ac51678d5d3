namespace Broker.ZooKeeper.Connection;

/// <summary>Callbacks from a connection's receive loop; invoked sequentially, in wire order.</summary>
internal interface IConnectionOwner
{
    /// <summary>A WatcherEvent (xid -1) with the server-side path.</summary>
    void OnNotification(WatchedEventType type, string serverPath);

    /// <summary>The zxid of a reply to one of our requests (only positive values are reported).</summary>
    void OnZxid(long zxid);

    /// <summary>
    /// The connection has just closed (before its unanswered requests are failed), so the owner can stop handing
    /// it out and callers retrying on connection loss wait for the next connection instead.
    /// </summary>
    void OnClosed(ZooKeeperConnection connection);

    /// <summary>Next xid for a client request; unique and increasing within the session.</summary>
    int NextXid();
}
