namespace Broker.Storage.Log;

public sealed partial class LogManager
{
    /// <summary>Kafka's per-dir file of log start offsets raised above the first segment's base (DeleteRecords).</summary>
    public const string LogStartOffsetFileName = "log-start-offset-checkpoint";

    private readonly object _logStartCheckpointLock = new();

    /// <summary>
    /// Writes each online dir's <see cref="LogStartOffsetFileName"/>: the logs whose start lies above their first
    /// segment's base offset (as Kafka; the others' start is their first segment). Runs every
    /// log.flush.start.offset.checkpoint.interval.ms and at shutdown. Thread-safe; writers are serialised.
    /// </summary>
    public void CheckpointLogStartOffsets()
    {
        lock (_logStartCheckpointLock)
        {
            foreach (string dir in OnlineLogDirs)
            {
                var entries = _logs.Values
                    .Where(l => ParentDir(l) == dir && l.LogStartOffset > l.Segments[0].BaseOffset)
                    .Select(l => KeyValuePair.Create(l.TopicPartition, l.LogStartOffset));
                WriteCheckpoint(dir, LogStartOffsetFileName, entries);
            }
        }
    }

    private static Dictionary<TopicPartition, long> ReadLogStartOffsets(string dir) =>
        CheckpointFile.Read(Path.Combine(dir, LogStartOffsetFileName));
}
