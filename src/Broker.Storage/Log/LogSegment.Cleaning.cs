namespace Broker.Storage.Log;

public sealed partial class LogSegment
{
    /// <summary>
    /// Creates an empty segment whose three files carry <paramref name="fileSuffix"/> after the usual name
    /// (<c>.cleaned</c> for the log cleaner's output), so recovery never mistakes it for live data. Existing files of
    /// that name are replaced.
    /// </summary>
    internal static LogSegment CreateWithSuffix(string directory, long baseOffset, LogConfig config, string fileSuffix)
    {
        foreach (string suffix in new[] { LogFileNames.LogSuffix, LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix, LogFileNames.TxnIndexSuffix })
        {
            File.Delete(LogFileNames.SegmentPath(directory, baseOffset, suffix + fileSuffix));
        }

        return new LogSegment(directory, baseOffset, config, active: true, fileSuffix);
    }

    /// <summary>
    /// Renames the three files from suffix <paramref name="from"/> to <paramref name="to"/> (either may be empty), the
    /// log file first: that rename is the step recovery keys on. Open handles stay valid.
    /// </summary>
    internal void RenameFiles(string from, string to)
    {
        string Renamed(string path) => path[..^from.Length] + to;
        string newLogPath = Renamed(LogPath);
        File.Move(LogPath, newLogPath, overwrite: true);
        LogPath = newLogPath;
        _offsetIndex.Rename(Renamed(_offsetIndex.FilePath));
        _timeIndex.Rename(Renamed(_timeIndex.FilePath));
        _txnIndex.Rename(Renamed(_txnIndex.FilePath));
    }

    /// <summary>Max timestamp of the first batch, -1 when empty (Kafka's getFirstBatchTimestamp, for max.compaction.lag.ms).</summary>
    internal long FirstBatchTimestamp() => ReadFirstBatchMaxTimestamp();

    /// <summary>Last modification time of the log file, Unix ms.</summary>
    internal long LastModifiedMs() => new DateTimeOffset(File.GetLastWriteTimeUtc(LogPath)).ToUnixTimeMilliseconds();
}
