namespace Broker.ZooKeeper;

/// <summary>
/// A one-shot watch notification. <see cref="Path"/> is relative to the client's chroot; it is null for
/// <see cref="WatchedEventType.None"/> events, which carry <see cref="ZooKeeperState.Expired"/> or
/// <see cref="ZooKeeperState.Closed"/> in <see cref="State"/>.
/// </summary>
public sealed record WatchedEvent(WatchedEventType Type, ZooKeeperState State, string? Path);
