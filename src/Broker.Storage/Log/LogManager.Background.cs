using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class LogManager
{
    /// <summary>Starts the background loop (flush.ms checks, retention, checkpoints) on the injected clock.</summary>
    public void Start()
    {
        lock (_createLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
            Cleaner.Start();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        long tickMs = Math.Max(1, Math.Min(_options.FlushCheckIntervalMs, Math.Min(_options.RetentionCheckIntervalMs, Math.Min(_options.RecoveryPointCheckpointIntervalMs, _options.LogStartOffsetCheckpointIntervalMs))));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(tickMs), _time);
        long lastRetention = NowMs();
        long lastCheckpoint = lastRetention;
        long lastLogStartCheckpoint = lastRetention;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            long now = NowMs();
            RunGuarded("flush", () =>
            {
                foreach (PartitionLog log in _logs.Values)
                {
                    log.FlushIfDue();
                }
            });

            if (now - lastRetention >= _options.RetentionCheckIntervalMs)
            {
                lastRetention = now;
                RunGuarded("retention", () => CleanupLogs());
            }

            if (now - lastCheckpoint >= _options.RecoveryPointCheckpointIntervalMs)
            {
                lastCheckpoint = now;
                RunGuarded("recovery-point checkpoint", CheckpointRecoveryPoints);
            }

            if (now - lastLogStartCheckpoint >= _options.LogStartOffsetCheckpointIntervalMs)
            {
                lastLogStartCheckpoint = now;
                RunGuarded("log-start checkpoint", CheckpointLogStartOffsets);
            }
        }
    }

    private void RunGuarded(string task, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            _logger.BackgroundTaskFailed(e, task);
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
