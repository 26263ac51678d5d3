using Broker.Server.LogDirs;
using Microsoft.Extensions.Logging;

namespace Broker.Server;

public sealed partial class BrokerServer
{
    /// <summary>Set once the broker started halting; later failures add nothing.</summary>
    private int _halting;

    /// <summary>Cancelled when the broker stops: a notification still waiting for ZooKeeper is abandoned.</summary>
    private readonly CancellationTokenSource _logDirFailures = new();

    /// <summary>
    /// A log dir went offline (<see cref="Broker.Storage.Log.LogDirFailureChannel"/>). While another dir is online
    /// the broker keeps serving it, as Kafka: <see cref="ILogDirFailureHandler"/> stops the failed dir's replicas and
    /// tells the controller (log_dir_event_notification), which moves their leadership away. When every dir failed it
    /// halts like Kafka: the ZooKeeper session closes at once (the controller elects new leaders from the ISRs without
    /// waiting for the session timeout), then the process exits with code 1, which also closes the listeners.
    /// Runs the work on a task: the failure is raised under a partition lock.
    /// </summary>
    private void OnLogDirFailed(string dir)
    {
        var online = _logs.OnlineLogDirs;
        if (online.Count > 0)
        {
            LogDirOfflineOthersServe(_config.BrokerId, dir, string.Join(",", online));
            _ = Task.Run(async () =>
            {
                try
                {
                    await _logDirFailureHandler.OnLogDirOfflineAsync(dir, _logDirFailures.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_logDirFailures.IsCancellationRequested)
                {
                    LogDirFailureHandlingFailed(_config.BrokerId, dir, e);
                }
                catch (OperationCanceledException)
                {
                    // The broker is stopping; its registration goes with it.
                }
            });
            return;
        }

        if (Interlocked.Exchange(ref _halting, 1) != 0) return;
        var offline = _logs.Failures.OfflineDirs;
        LogHaltingForFailedDirs(_config.BrokerId, string.Join(",", _logs.LogDirs), string.Join(",", offline));
        _ = Task.Run(async () =>
        {
            try
            {
                await _cluster.AbandonAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogAbandonFailed(_config.BrokerId, e);
            }
            finally
            {
                _halt.Halt(1);
            }
        });
    }

    [LoggerMessage(960, LogLevel.Critical, "Broker {BrokerId}: shutdown broker because all log dirs in {LogDirs} have failed (offline: {OfflineDirs}); closing the ZooKeeper session and halting with exit code 1")]
    private partial void LogHaltingForFailedDirs(int brokerId, string logDirs, string offlineDirs);

    [LoggerMessage(961, LogLevel.Error, "Broker {BrokerId}: could not close the ZooKeeper session before halting")]
    private partial void LogAbandonFailed(int brokerId, Exception exception);

    [LoggerMessage(962, LogLevel.Error, "Broker {BrokerId}: log dir {Dir} is offline; the broker keeps serving the online dirs {OnlineDirs} and moves the failed dir's replicas away")]
    private partial void LogDirOfflineOthersServe(int brokerId, string dir, string onlineDirs);

    [LoggerMessage(963, LogLevel.Error, "Broker {BrokerId}: handling the failure of log dir {Dir} failed; its partitions keep their leader here until the controller hears of it")]
    private partial void LogDirFailureHandlingFailed(int brokerId, string dir, Exception exception);
}
