using Broker.Coordination;
using Broker.Coordination.Controller;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Handlers;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

/// <summary>
/// The stopping broker's side of a controlled shutdown (Kafka's KafkaServer.controlledShutdown): unless
/// <c>controlled.shutdown.enable</c> is false, up to <c>controlled.shutdown.max.retries</c> attempts, each finding
/// the controller in ZooKeeper and asking it to move this broker's leadership away, with
/// <c>controlled.shutdown.retry.backoff.ms</c> between attempts. An attempt succeeds when the controller answers
/// without error and with no remaining partitions. When this broker is the active controller it is asked in-process.
/// One call at a time (shutdown runs it once); the delay runs on the injected clock.
/// </summary>
public sealed partial class ControlledShutdown(
    BrokerConfig config,
    KafkaZkStore store,
    KafkaController controller,
    BrokerRegistration registration,
    TimeProvider time,
    ILogger<ControlledShutdown> logger)
{
    /// <summary>Sends a request to the broker with that id (the controller) and returns its response.</summary>
    /// <returns>True when the controller moved everything it could; false when disabled or every attempt failed
    /// (the caller then shuts down uncleanly, as Kafka does).</returns>
    public async Task<bool> RunAsync(Func<int, ControlledShutdownRequest, CancellationToken, Task<ControlledShutdownResponse>> send, CancellationToken ct)
    {
        if (!config.ControlledShutdownEnable)
        {
            LogDisabled();
            return false;
        }

        int attempts = config.ControlledShutdownMaxRetries;
        var backoff = TimeSpan.FromMilliseconds(config.ControlledShutdownRetryBackoffMs);
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            if (await AttemptAsync(send, attempt, ct).ConfigureAwait(false))
            {
                LogSucceeded(config.BrokerId, attempt);
                return true;
            }

            if (attempt < attempts)
            {
                await Task.Delay(backoff, time, ct).ConfigureAwait(false);
                LogRetrying(config.BrokerId, attempt + 1, attempts);
            }
        }

        LogGaveUp(config.BrokerId, attempts);
        return false;
    }

    private async Task<bool> AttemptAsync(Func<int, ControlledShutdownRequest, CancellationToken, Task<ControlledShutdownResponse>> send, int attempt, CancellationToken ct)
    {
        var request = new ControlledShutdownRequest { BrokerId = config.BrokerId, BrokerEpoch = registration.BrokerEpoch };
        int controllerId = -1;
        try
        {
            ControlledShutdownResponse response;
            if (controller.IsActive)
            {
                controllerId = config.BrokerId;
                response = await ControlledShutdownHandler.AnswerAsync(controller, request.BrokerId, request.BrokerEpoch, ct).ConfigureAwait(false);
            }
            else
            {
                controllerId = await store.GetControllerIdAsync(null, ct).ConfigureAwait(false);
                if (controllerId < 0 || controllerId == config.BrokerId)
                {
                    // None elected yet, or this broker's own controller is between terms.
                    LogNoController(attempt);
                    return false;
                }

                response = await send(controllerId, request, ct).ConfigureAwait(false);
            }

            var error = (ErrorCode)response.ErrorCode;
            if (error != ErrorCode.None)
            {
                LogControllerError(attempt, controllerId, error.ToString());
                return false;
            }

            if (response.RemainingPartitions.Count > 0)
            {
                string sample = string.Join(",", response.RemainingPartitions.Take(20).Select(p => $"{p.TopicName}-{p.PartitionIndex}"));
                LogRemaining(attempt, response.RemainingPartitions.Count, sample);
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogAttemptFailed(ex, attempt, controllerId);
            return false;
        }
    }

    [LoggerMessage(540, LogLevel.Information, "Controlled shutdown is disabled (controlled.shutdown.enable=false)")]
    private partial void LogDisabled();

    [LoggerMessage(541, LogLevel.Information, "Controlled shutdown of broker {BrokerId} succeeded (attempt {Attempt})")]
    private partial void LogSucceeded(int brokerId, int attempt);

    [LoggerMessage(542, LogLevel.Warning, "Controlled shutdown attempt {Attempt}: no controller available")]
    private partial void LogNoController(int attempt);

    [LoggerMessage(543, LogLevel.Warning, "Controlled shutdown attempt {Attempt}: controller {ControllerId} answered {Error}")]
    private partial void LogControllerError(int attempt, int controllerId, string error);

    [LoggerMessage(544, LogLevel.Warning, "Controlled shutdown attempt {Attempt}: {Count} partition(s) still led by this broker: {Partitions}")]
    private partial void LogRemaining(int attempt, int count, string partitions);

    [LoggerMessage(545, LogLevel.Warning, "Controlled shutdown attempt {Attempt} (controller {ControllerId}) failed")]
    private partial void LogAttemptFailed(Exception ex, int attempt, int controllerId);

    [LoggerMessage(546, LogLevel.Information, "Broker {BrokerId}: retrying controlled shutdown (attempt {Attempt} of {Attempts})")]
    private partial void LogRetrying(int brokerId, int attempt, int attempts);

    [LoggerMessage(547, LogLevel.Warning, "Broker {BrokerId}: all {Attempts} controlled shutdown attempts failed; proceeding with an unclean shutdown")]
    private partial void LogGaveUp(int brokerId, int attempts);
}
