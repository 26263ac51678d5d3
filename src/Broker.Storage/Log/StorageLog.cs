using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

/// <summary>Source-generated log messages of the storage layer; event ids are stable.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded log {Directory}: {SegmentCount} segments, log start {LogStartOffset}, log end {LogEndOffset}, recovered from {RecoveryPoint}")]
    public static partial void LogLoaded(this ILogger logger, string directory, int segmentCount, long logStartOffset, long logEndOffset, long recoveryPoint);

    [LoggerMessage(2, LogLevel.Warning, "Truncated {Bytes} invalid bytes at the end of segment {Segment}; removed {LaterSegments} later segments")]
    public static partial void TruncatedCorruptTail(this ILogger logger, string segment, int bytes, int laterSegments);

    [LoggerMessage(3, LogLevel.Information, "Rolled log {Directory} at offset {Offset}")]
    public static partial void Rolled(this ILogger logger, string directory, long offset);

    [LoggerMessage(4, LogLevel.Information, "Retention deleted {Count} segments of {Directory}; log start is now {LogStartOffset}")]
    public static partial void RetentionDeleted(this ILogger logger, string directory, int count, long logStartOffset);

    [LoggerMessage(5, LogLevel.Warning, "Deleted stray file {File}")]
    public static partial void DeletedStrayFile(this ILogger logger, string file);

    [LoggerMessage(6, LogLevel.Information, "Truncated log {Directory} to offset {Offset}")]
    public static partial void TruncatedTo(this ILogger logger, string directory, long offset);

    [LoggerMessage(7, LogLevel.Error, "Background storage task failed: {Task}")]
    public static partial void BackgroundTaskFailed(this ILogger logger, Exception exception, string task);

    [LoggerMessage(8, LogLevel.Warning, "Could not delete {Path}")]
    public static partial void DeleteFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(9, LogLevel.Warning, "Rebuilt missing index of segment {Segment}")]
    public static partial void RebuiltIndex(this ILogger logger, string segment);

    [LoggerMessage(10, LogLevel.Warning, "Leader epoch checkpoint {Path} is malformed; rebuilding it from the log")]
    public static partial void MalformedEpochCheckpoint(this ILogger logger, string path);

    [LoggerMessage(11, LogLevel.Warning, "New leader epoch {Epoch} at {StartOffset} in {Path} removed {Count} conflicting entries")]
    public static partial void EpochEntriesTruncated(this ILogger logger, string path, int epoch, long startOffset, int count);

    [LoggerMessage(12, LogLevel.Information, "Rebuilt leader epoch cache of {Directory} from the log: {Count} entries")]
    public static partial void RebuiltEpochCache(this ILogger logger, string directory, int count);

    [LoggerMessage(13, LogLevel.Warning, "Producer state snapshot {Path} is corrupt; deleted it and rebuilding from an earlier one or the log")]
    public static partial void CorruptProducerSnapshot(this ILogger logger, string path);

    [LoggerMessage(14, LogLevel.Debug, "Loaded producer state of {Directory}: {Producers} producers, snapshot at {SnapshotOffset}, replayed from {ReplayFrom}")]
    public static partial void LoadedProducerState(this ILogger logger, string directory, int producers, long snapshotOffset, long replayFrom);

    [LoggerMessage(15, LogLevel.Error, "Log dir {Directory} is offline after an I/O error during {Operation}: {Reason}. Its partitions answer KAFKA_STORAGE_ERROR until the broker restarts")]
    public static partial void LogDirOffline(this ILogger logger, Exception exception, string directory, string operation, string reason);

    [LoggerMessage(2100, LogLevel.Information, "Log start of {Directory} raised to {LogStartOffset}; deleted {Count} segments below it")]
    public static partial void LogStartIncremented(this ILogger logger, string directory, long logStartOffset, int count);
}
