using Broker.Coordination;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Broker.Server.LogDirs;

/// <summary>
/// ZooKeeper mode, as Kafka: stop the failed dir's replicas (no fetching, no leading; under the controller-request
/// fence, so no LeaderAndIsr applies a role to them concurrently), then write
/// <c>/log_dir_event_notification/log_dir_event_&lt;seq&gt;</c> naming this broker. The controller answers with a
/// LeaderAndIsr for every partition here; those in the offline dir answer KAFKA_STORAGE_ERROR, and the controller
/// elects other leaders from the ISRs and removes this broker's replica from them. Thread-safe (stateless).
/// </summary>
public sealed partial class ZkLogDirFailureHandler(
    BrokerConfig config, LeadershipApplier applier, ControllerRequestFence fence, KafkaZkStore store, ILogger<ZkLogDirFailureHandler> logger)
    : ILogDirFailureHandler
{
    /// <summary>Pause between attempts to write the notification while ZooKeeper is unreachable.</summary>
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(500);

    public async Task OnLogDirOfflineAsync(string dir, CancellationToken ct)
    {
        var stopped = fence.RunLocal(() => applier.StopReplicasIn(dir));
        string path = await store.PropagateLogDirEventAsync(config.BrokerId, RetryBackoff, ct).ConfigureAwait(false);
        LogNotified(config.BrokerId, dir, stopped.Count, path);
    }

    [LoggerMessage(967, LogLevel.Warning, "Broker {BrokerId}: log dir {Dir} is offline ({Count} replica(s) stopped); told the controller through {Path}")]
    private partial void LogNotified(int brokerId, string dir, int count, string path);
}
