using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>Source-generated log messages of the transport, with stable event ids (1xx).</summary>
internal static partial class NetworkLog
{
    [LoggerMessage(100, LogLevel.Information, "Listening on {Name} ({SecurityProtocol}) {EndPoint}")]
    public static partial void Listening(ILogger logger, string name, string securityProtocol, string endPoint);

    [LoggerMessage(101, LogLevel.Debug, "Connection {ConnectionId} accepted from {Remote}")]
    public static partial void Accepted(ILogger logger, long connectionId, string remote);

    [LoggerMessage(102, LogLevel.Debug, "Connection {ConnectionId} from {Remote} closing: {Reason}")]
    public static partial void ConnectionClosing(ILogger logger, long connectionId, string remote, string reason);

    [LoggerMessage(103, LogLevel.Error, "Connection {ConnectionId} from {Remote}: handler failed")]
    public static partial void HandlerFailed(ILogger logger, long connectionId, string remote, Exception ex);

    [LoggerMessage(104, LogLevel.Warning, "Accept on {EndPoint} failed ({Suppressed} similar failure(s) not logged); retrying")]
    public static partial void AcceptFailed(ILogger logger, string endPoint, int suppressed, Exception ex);

    [LoggerMessage(107, LogLevel.Error, "Accept on {EndPoint} failed: out of file descriptors ({Suppressed} similar failure(s) not logged); pausing {PauseMs} ms before accepting again")]
    public static partial void AcceptOutOfDescriptors(ILogger logger, string endPoint, int suppressed, long pauseMs, Exception ex);

    [LoggerMessage(108, LogLevel.Information, "Refused connection from {Remote} on {EndPoint}: too many connections from {Address} (maximum = {Limit}) ({Suppressed} similar refusal(s) not logged)")]
    public static partial void TooManyConnectionsFromIp(ILogger logger, string remote, string endPoint, string address, int limit, int suppressed);

    [LoggerMessage(109, LogLevel.Warning, "{EndPoint}: {Count} connection(s) open, max.connections reached; waiting for one to close before accepting more ({Suppressed} similar line(s) not logged)")]
    public static partial void WaitingForConnectionSlot(ILogger logger, string endPoint, int count, int suppressed);

    [LoggerMessage(110, LogLevel.Error, "Connection {ConnectionId}: a callback registered on its close signal failed")]
    public static partial void ClosedCallbackFailed(ILogger logger, long connectionId, Exception ex);

    [LoggerMessage(111, LogLevel.Error, "{Count} connection(s) still running after being aborted at shutdown; not waiting for them")]
    public static partial void AbandoningConnections(ILogger logger, int count);

    [LoggerMessage(105, LogLevel.Information, "Stopped accepting on {EndPoint}; waiting for {Count} connection(s) to finish")]
    public static partial void Draining(ILogger logger, string endPoint, int count);

    [LoggerMessage(106, LogLevel.Warning, "{Count} connection(s) did not finish within the shutdown timeout; aborting them")]
    public static partial void AbortingStragglers(ILogger logger, int count);
}
