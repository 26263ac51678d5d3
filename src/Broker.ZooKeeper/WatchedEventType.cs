namespace Broker.ZooKeeper;

/// <summary>What triggered a watch; numeric values match the wire (WatcherEvent.type).</summary>
public enum WatchedEventType
{
    /// <summary>Session event, not a node change: the watch was dropped because the session expired or closed.</summary>
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
}
