using System.Globalization;

namespace Broker.Storage.Log;

/// <summary>Kafka's on-disk naming: files are named by the segment's base offset, zero-padded to 20 digits.</summary>
internal static class LogFileNames
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";

    /// <summary>Aborted-transaction index of a segment (Kafka's name); exists only once an abort was indexed.</summary>
    public const string TxnIndexSuffix = ".txnindex";

    /// <summary>Producer state snapshot, named by the log offset the state is valid at.</summary>
    public const string SnapshotSuffix = ".snapshot";

    /// <summary>Appended to files of a segment removed by retention or truncation until they are deleted.</summary>
    public const string DeletedSuffix = ".deleted";

    /// <summary>Leftovers of compaction, splits or checkpoint writes; never valid at start-up.</summary>
    public static readonly string[] StraySuffixes = [".deleted", ".cleaned", ".swap", ".tmp"];

    public static string SegmentPath(string directory, long baseOffset, string suffix) =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix);

    /// <summary>Parses "00000000000000000042.log" into 42.</summary>
    public static bool TryParseBaseOffset(string fileName, string suffix, out long baseOffset)
    {
        baseOffset = -1;
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> digits = fileName.AsSpan(0, fileName.Length - suffix.Length);
        return digits.Length == 20 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
