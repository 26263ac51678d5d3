using Microsoft.Extensions.Logging;

namespace Broker.ZooKeeper;

/// <summary>Source-generated log messages of the ZooKeeper client; event ids are stable.</summary>
internal static partial class ZooKeeperLog
{
    [LoggerMessage(1, LogLevel.Information, "ZooKeeper session 0x{SessionId:x} connected to {Server}, negotiated timeout {TimeoutMs} ms")]
    public static partial void Connected(ILogger logger, long sessionId, string server, int timeoutMs);

    [LoggerMessage(2, LogLevel.Warning, "ZooKeeper connection to {Server} closed: {Reason}")]
    public static partial void ConnectionAborted(ILogger logger, string server, string reason);

    [LoggerMessage(3, LogLevel.Debug, "ZooKeeper connection attempt to {Server} failed")]
    public static partial void ConnectAttemptFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "ZooKeeper session 0x{SessionId:x} expired")]
    public static partial void SessionExpired(ILogger logger, long sessionId);

    [LoggerMessage(5, LogLevel.Error, "ZooKeeper event callback threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(3700, LogLevel.Error, "ZooKeeper authentication failed, the client stops connecting: {Reason}")]
    public static partial void AuthFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Information, "ZooKeeper state {Previous} -> {Current}")]
    public static partial void StateChanged(ILogger logger, ZooKeeperState previous, ZooKeeperState current);
}
