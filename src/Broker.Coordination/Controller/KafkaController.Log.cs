using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Controller;

public sealed partial class KafkaController
{
    [LoggerMessage(400, LogLevel.Information, "Broker {BrokerId} is now the controller (epoch {Epoch})")]
    private partial void LogElected(int brokerId, int epoch);

    [LoggerMessage(401, LogLevel.Information, "Broker {BrokerId} is no longer the controller; broker {Current} is")]
    private partial void LogResigned(int brokerId, int current);

    [LoggerMessage(402, LogLevel.Warning, "Broker {BrokerId}: controller epoch {Epoch} was superseded; stepping down")]
    private partial void LogFenced(int brokerId, int epoch);

    [LoggerMessage(403, LogLevel.Information, "Controller: live brokers are now [{Brokers}]")]
    private partial void LogLiveBrokers(string brokers);

    [LoggerMessage(404, LogLevel.Information, "Controller: {Topic}-{Partition} leader {Leader} epoch {LeaderEpoch} isr [{Isr}] ({Reason})")]
    private partial void LogState(string topic, int partition, int leader, int leaderEpoch, string isr, string reason);

    [LoggerMessage(405, LogLevel.Information, "Controller: deleted topic {Topic}")]
    private partial void LogDeleted(string topic);

    [LoggerMessage(406, LogLevel.Warning, "Controller: {Event} interrupted ({Reason}); retrying")]
    private partial void LogRetry(string @event, string reason);

    [LoggerMessage(407, LogLevel.Error, "Controller: handling {Event} failed; retrying")]
    private partial void LogEventFailed(Exception ex, string @event);

    [LoggerMessage(408, LogLevel.Information, "Controller: {Topic}-{Partition} changed while writing ({Reason}); re-reading it")]
    private partial void LogConflict(string topic, int partition, string reason);

    [LoggerMessage(409, LogLevel.Debug, "Controller: processed {Count} ISR change notification(s) for {Partitions} partition(s)")]
    private partial void LogIsrNotifications(int count, int partitions);

    [LoggerMessage(410, LogLevel.Warning, "Controller: ignoring malformed ISR change notification {Name}: {Reason}")]
    private partial void LogBadIsrNotification(string name, string reason);

    [LoggerMessage(411, LogLevel.Information, "Controller: broker {BrokerId} (epoch {Epoch}) requested a controlled shutdown")]
    private partial void LogControlledShutdown(int brokerId, long epoch);

    [LoggerMessage(412, LogLevel.Information, "Controller: controlled shutdown of broker {BrokerId}: {Remaining} partition(s) still led by it")]
    private partial void LogControlledShutdownDone(int brokerId, int remaining);

    [LoggerMessage(413, LogLevel.Information, "Controller: broker {BrokerId} is no longer shutting down (unregistered or registered again)")]
    private partial void LogShutdownDone(int brokerId);

    [LoggerMessage(415, LogLevel.Warning, "Broker {BrokerId}: /controller is ours (this session) though the election reply was lost; acting as controller (epoch {Epoch})")]
    private partial void LogElectionReplyLost(int brokerId, int epoch);

    [LoggerMessage(416, LogLevel.Information, "Broker {BrokerId}: /controller still holds this broker's id from an older session 0x{Session:x}; waiting for it to expire")]
    private partial void LogStaleControllerNode(int brokerId, long session);
}
