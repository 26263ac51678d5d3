using Microsoft.Extensions.Logging;

namespace Broker.Storage.Cleaner;

/// <summary>Source-generated log messages of the log cleaner (event ids 60–69).</summary>
internal static partial class CleanerLog
{
    [LoggerMessage(60, LogLevel.Information, "Cleaned log {Directory} up to offset {EndOffset}: {BytesRead} bytes read, {BytesWritten} written, {RecordsRemoved} of {RecordsRead} records removed, {Segments} segments into {Groups}, in {ElapsedMs} ms")]
    public static partial void Cleaned(this ILogger logger, string directory, long endOffset, long bytesRead, long bytesWritten, long recordsRemoved, long recordsRead, int segments, int groups, long elapsedMs);

    [LoggerMessage(61, LogLevel.Warning, "Completed an interrupted cleaner swap in {Directory}: segment {BaseOffset} replaces the segments below offset {EndOffset}")]
    public static partial void CompletedSwap(this ILogger logger, string directory, long baseOffset, long endOffset);

    [LoggerMessage(62, LogLevel.Warning, "Unexpected exception thrown when cleaning log {Directory}. Marking its partition ({Partition}) as uncleanable; uncleanable-partitions-count is now {UncleanableCount}")]
    public static partial void MarkedUncleanable(this ILogger logger, Exception exception, string directory, string partition, int uncleanableCount);

    [LoggerMessage(63, LogLevel.Information, "Cleaning of log {Directory} aborted: the log changed while it was cleaned")]
    public static partial void CleaningAborted(this ILogger logger, string directory);

    [LoggerMessage(64, LogLevel.Information, "Log cleaner started: {Threads} threads, {DedupeBytes} dedupe bytes per thread ({MapCapacity} keys), {IoBufferBytes} io buffer bytes per thread")]
    public static partial void CleanerStarted(this ILogger logger, int threads, long dedupeBytes, int mapCapacity, int ioBufferBytes);
}
