namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    private LogDirFailureChannel? _failures;

    /// <summary>The log dir holding this partition's folder (absolute).</summary>
    public string LogDir => Path.GetDirectoryName(Directory)!;

    /// <summary>True once this log's dir went offline; every write then throws <see cref="KafkaStorageException"/>.</summary>
    public bool IsOffline => _failures?.IsOffline(LogDir) == true;

    /// <summary>Connects the log to its manager's failure channel (set once, right after open).</summary>
    internal void AttachFailureChannel(LogDirFailureChannel failures) => _failures = failures;

    /// <summary>Refuses writes to a log whose dir is offline. Caller holds the lock.</summary>
    private void ThrowIfOffline()
    {
        if (IsOffline)
        {
            throw new KafkaStorageException($"Log dir {LogDir} of {TopicPartition} is offline.");
        }
    }

    /// <summary>
    /// Takes this log's dir offline for an I/O error hit during <paramref name="operation"/> and returns the exception
    /// to throw in its place (callers throw it, so the stack shows where the write failed).
    /// </summary>
    private KafkaStorageException DirFailed(string operation, IOException cause)
    {
        _failures?.MarkOffline(LogDir, operation + " of " + TopicPartition, cause);
        return new KafkaStorageException($"I/O error during {operation} of {TopicPartition} in {LogDir}: {cause.Message}", cause);
    }
}
