using System.Globalization;
using Broker.Protocol.Records;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Completes a cleaner swap interrupted by a crash, before a log is loaded (Kafka's LogLoader handling of .swap files).
/// A <c>&lt;base&gt;.log.swap</c> file means the cleaned segment was committed: every old segment whose base offset lies in
/// [base, end) is deleted and the swap file becomes <c>&lt;base&gt;.log</c> (its indexes are rebuilt by the load).
/// The end comes from the <c>&lt;base&gt;.swap-end</c> marker written before the commit; without it (not written by
/// this broker) the swap's own next offset is used, as Kafka does. Leftover <c>.cleaned</c> files are stray and
/// deleted by the load. Not thread-safe; runs before the log is opened.
/// </summary>
public static class SwapRecovery
{
    /// <summary>Suffix of the cleaner's output while it is written.</summary>
    public const string CleanedSuffix = ".cleaned";

    /// <summary>Suffix of committed cleaner output not yet renamed into place.</summary>
    public const string SwapSuffix = ".swap";

    /// <summary>Suffix of the marker holding the end offset of the range a swap replaces.</summary>
    public const string MarkerSuffix = ".swap-end";

    internal static string MarkerPath(string directory, long baseOffset) =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + MarkerSuffix);

    /// <summary>Writes and fsyncs the marker.</summary>
    internal static void WriteMarker(string path, long endOffset)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(endOffset.ToString(CultureInfo.InvariantCulture)));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Finishes every interrupted swap in <paramref name="directory"/>; returns how many.</summary>
    public static int Complete(string directory, ILogger logger)
    {
        int completed = 0;
        string logSwap = LogFileNames.LogSuffix + SwapSuffix;
        foreach (string swap in System.IO.Directory.GetFiles(directory, "*" + logSwap).Order(StringComparer.Ordinal))
        {
            if (!LogFileNames.TryParseBaseOffset(Path.GetFileName(swap), logSwap, out long baseOffset))
            {
                continue;
            }

            long end = ReadMarker(MarkerPath(directory, baseOffset)) ?? NextOffsetOf(swap, baseOffset);
            foreach (string log in System.IO.Directory.GetFiles(directory, "*" + LogFileNames.LogSuffix))
            {
                if (LogFileNames.TryParseBaseOffset(Path.GetFileName(log), LogFileNames.LogSuffix, out long old) && old >= baseOffset && old < end)
                {
                    foreach (string suffix in new[] { LogFileNames.LogSuffix, LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix, LogFileNames.TxnIndexSuffix })
                    {
                        File.Delete(LogFileNames.SegmentPath(directory, old, suffix));
                    }
                }
            }

            // Indexes of the new segment are rebuilt from the log (the load sees them missing).
            foreach (string suffix in new[] { LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix })
            {
                File.Delete(LogFileNames.SegmentPath(directory, baseOffset, suffix + SwapSuffix));
                File.Delete(LogFileNames.SegmentPath(directory, baseOffset, suffix));
            }

            // The aborted-transaction index cannot be rebuilt from the log alone (it needs the producer state of the
            // time): the cleaner wrote it beside the new log, so it moves with it.
            string txnSwap = LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.TxnIndexSuffix + SwapSuffix);
            if (File.Exists(txnSwap))
            {
                File.Move(txnSwap, LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.TxnIndexSuffix), overwrite: true);
            }

            File.Move(swap, LogFileNames.SegmentPath(directory, baseOffset, LogFileNames.LogSuffix));
            logger.CompletedSwap(directory, baseOffset, end);
            completed++;
        }

        foreach (string marker in System.IO.Directory.GetFiles(directory, "*" + MarkerSuffix))
        {
            File.Delete(marker);
        }

        return completed;
    }

    private static long? ReadMarker(string path)
    {
        try
        {
            return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long end) ? end : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The offset after the last whole batch of a swap file.</summary>
    private static long NextOffsetOf(string path, long baseOffset)
    {
        long next = baseOffset;
        byte[] data = File.ReadAllBytes(path);
        int position = 0;
        while (position + RecordBatchHeader.Size <= data.Length)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(data.AsSpan(position));
            if (header.TotalSize < RecordBatchHeader.Size || position + header.TotalSize > data.Length)
            {
                break;
            }

            next = header.NextOffset;
            position += header.TotalSize;
        }

        return next;
    }
}
