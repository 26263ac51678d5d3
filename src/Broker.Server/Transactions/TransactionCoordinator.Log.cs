using Microsoft.Extensions.Logging;

namespace Broker.Server.Transactions;

public sealed partial class TransactionCoordinator
{
    [LoggerMessage(4110, LogLevel.Information, "Loaded __transaction_state partition {Partition}: {Ids} transactional id(s), {Resumed} prepared transaction(s) to complete")]
    private partial void LogLoaded(int partition, int ids, int resumed);

    [LoggerMessage(4111, LogLevel.Error, "Loading __transaction_state partition {Partition} failed")]
    private partial void LogLoadFailed(int partition, Exception exception);

    [LoggerMessage(4112, LogLevel.Information, "Unloaded __transaction_state partition {Partition}")]
    private partial void LogUnloaded(int partition);

    [LoggerMessage(4113, LogLevel.Warning, "Writing the state of transactional id {TransactionalId} failed")]
    private partial void LogAppendFailed(string transactionalId, Exception exception);

    [LoggerMessage(4114, LogLevel.Warning, "The state of transactional id {TransactionalId} was not written: {Error}")]
    private partial void LogWriteFailed(string transactionalId, string error);

    [LoggerMessage(4115, LogLevel.Information, "Fenced the ongoing transaction of {TransactionalId} (producer {ProducerId}): aborting it with epoch {Epoch}")]
    private partial void LogFenced(string transactionalId, long producerId, short epoch);

    [LoggerMessage(4116, LogLevel.Debug, "Completed the {Outcome} of transactional id {TransactionalId} over {Partitions} partition(s)")]
    private partial void LogCompleted(string transactionalId, string outcome, int partitions);

    [LoggerMessage(4117, LogLevel.Error, "Completing the transaction of {TransactionalId} failed")]
    private partial void LogCompletionFailed(string transactionalId, Exception exception);

    [LoggerMessage(4118, LogLevel.Warning, "Broker {Leader} refused the transaction marker for {Topic}-{Partition}: {Error}; retrying")]
    private partial void LogMarkerRefused(string topic, int partition, int leader, string error);

    [LoggerMessage(4119, LogLevel.Warning, "Sending transaction markers to broker {Leader} failed: {Reason}; retrying")]
    private partial void LogMarkerSendFailed(int leader, string reason);

    [LoggerMessage(4120, LogLevel.Information, "Transaction of {TransactionalId} (producer {ProducerId}) timed out: aborting it with epoch {Epoch}")]
    private partial void LogTimedOut(string transactionalId, long producerId, short epoch);

    [LoggerMessage(4121, LogLevel.Information, "Transactional id {TransactionalId} expired")]
    private partial void LogExpired(string transactionalId);

    [LoggerMessage(4122, LogLevel.Error, "A transaction coordinator timer failed")]
    private partial void LogTimerFailed(Exception exception);
}
