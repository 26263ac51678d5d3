using Broker.Server.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Partitions;

/// <summary>
/// The replica manager's periodic work: the ISR shrink check every replica.lag.time.max.ms / 2 (Kafka's
/// isr-expiration task) and the high-watermark checkpoint every replica.high.watermark.checkpoint.interval.ms, plus
/// a last checkpoint at shutdown so a restarted broker resumes with the high watermarks it had.
/// </summary>
public sealed partial class ReplicaMaintenance(ReplicaManager replicas, BrokerConfig config, TimeProvider time, ILogger<ReplicaMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        replicas.IsrChanged += (p, reason) => LogIsrChanged(p.Id.Topic, p.Id.Partition, string.Join(",", p.Isr), reason);
        var shrinkEvery = TimeSpan.FromMilliseconds(Math.Max(50, config.ReplicaLagTimeMaxMs / 2));
        var checkpointEvery = TimeSpan.FromMilliseconds(Math.Max(100, config.ReplicaHighWatermarkCheckpointIntervalMs));
        var tick = shrinkEvery < checkpointEvery ? shrinkEvery : checkpointEvery;
        long lastShrink = time.GetTimestamp(), lastCheckpoint = time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(tick, time, stoppingToken).ConfigureAwait(false);
                if (time.GetElapsedTime(lastShrink) >= shrinkEvery)
                {
                    lastShrink = time.GetTimestamp();
                    replicas.ShrinkIsrs();
                }

                if (time.GetElapsedTime(lastCheckpoint) >= checkpointEvery)
                {
                    lastCheckpoint = time.GetTimestamp();
                    Checkpoint();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        Checkpoint();
    }

    private void Checkpoint()
    {
        try
        {
            replicas.CheckpointHighWatermarks();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            LogCheckpointFailed(e.Message);
        }
    }

    [LoggerMessage(540, LogLevel.Information, "Partition {Topic}-{Partition}: ISR is now [{Isr}] ({Reason})")]
    private partial void LogIsrChanged(string topic, int partition, string isr, string reason);

    [LoggerMessage(541, LogLevel.Warning, "High-watermark checkpoint failed: {Reason}")]
    private partial void LogCheckpointFailed(string reason);
}
