using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>Source-generated log messages of the transport, with stable event ids (1xx).</summary>
internal static partial class NetworkLog
{
    [LoggerMessage(100, LogLevel.Information, "Listening on {Name} {EndPoint}")]
    public static partial void Listening(ILogger logger, string name, string endPoint);

    [LoggerMessage(101, LogLevel.Debug, "Connection {ConnectionId} accepted from {Remote}")]
    public static partial void Accepted(ILogger logger, long connectionId, string remote);

    [LoggerMessage(102, LogLevel.Debug, "Connection {ConnectionId} from {Remote} closing: {Reason}")]
    public static partial void ConnectionClosing(ILogger logger, long connectionId, string remote, string reason);

    [LoggerMessage(103, LogLevel.Error, "Connection {ConnectionId} from {Remote}: handler failed")]
    public static partial void HandlerFailed(ILogger logger, long connectionId, string remote, Exception ex);

    [LoggerMessage(104, LogLevel.Warning, "Accept on {EndPoint} failed; retrying")]
    public static partial void AcceptFailed(ILogger logger, string endPoint, Exception ex);

    [LoggerMessage(105, LogLevel.Information, "Stopped accepting on {EndPoint}; waiting for {Count} connection(s) to finish")]
    public static partial void Draining(ILogger logger, string endPoint, int count);

    [LoggerMessage(106, LogLevel.Warning, "{Count} connection(s) did not finish within the shutdown timeout; aborting them")]
    public static partial void AbortingStragglers(ILogger logger, int count);
}
