namespace Broker.Storage.Log;

public sealed partial class LogManager
{
    /// <summary>Kafka's per-dir file of partition high watermarks.</summary>
    public const string HighWatermarkFileName = "replication-offset-checkpoint";

    private readonly object _highWatermarkLock = new();

    /// <summary>High watermarks of the partitions in every log dir, as last checkpointed (empty when none).</summary>
    public IReadOnlyDictionary<TopicPartition, long> ReadHighWatermarks()
    {
        var all = new Dictionary<TopicPartition, long>();
        foreach (string dir in LogDirs)
        {
            foreach (var (tp, offset) in CheckpointFile.Read(Path.Combine(dir, HighWatermarkFileName))) all[tp] = offset;
        }

        return all;
    }

    /// <summary>
    /// Writes each dir's <see cref="HighWatermarkFileName"/> from <paramref name="highWatermarks"/> (partitions whose
    /// log is not open are left out). Thread-safe; writers are serialised.
    /// </summary>
    public void CheckpointHighWatermarks(IReadOnlyDictionary<TopicPartition, long> highWatermarks)
    {
        lock (_highWatermarkLock)
        {
            foreach (string dir in OnlineLogDirs)
            {
                var entries = _logs.Values
                    .Where(l => ParentDir(l) == dir && highWatermarks.ContainsKey(l.TopicPartition))
                    .Select(l => KeyValuePair.Create(l.TopicPartition, highWatermarks[l.TopicPartition]));
                WriteCheckpoint(dir, HighWatermarkFileName, entries);
            }
        }
    }
}
