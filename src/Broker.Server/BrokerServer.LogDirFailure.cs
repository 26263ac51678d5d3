using Microsoft.Extensions.Logging;

namespace Broker.Server;

public sealed partial class BrokerServer
{
    /// <summary>Set once the broker started halting; later failures add nothing.</summary>
    private int _halting;

    /// <summary>
    /// A log dir went offline (<see cref="Broker.Storage.Log.LogDirFailureChannel"/>). Kafka keeps serving the other
    /// dirs and has the controller move the failed dir's partitions (log_dir_event_notification); this broker treats
    /// any failed dir as "all failed" and halts like Kafka does then: the ZooKeeper session closes at once (the
    /// controller elects new leaders from the ISRs without waiting for the session timeout), then the process exits
    /// with code 1, which also closes the listeners. Runs on a task: the failure is raised under a partition lock.
    /// </summary>
    private void OnLogDirFailed(string dir)
    {
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

    [LoggerMessage(960, LogLevel.Critical, "Broker {BrokerId}: shutdown broker because all log dirs in {LogDirs} have failed (offline: {OfflineDirs}; a failed dir is handled as all failed); closing the ZooKeeper session and halting with exit code 1")]
    private partial void LogHaltingForFailedDirs(int brokerId, string logDirs, string offlineDirs);

    [LoggerMessage(961, LogLevel.Error, "Broker {BrokerId}: could not close the ZooKeeper session before halting")]
    private partial void LogAbandonFailed(int brokerId, Exception exception);
}
