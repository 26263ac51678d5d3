using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class LeaderEpochCache
{
    private const string Version = "0";

    /// <summary>
    /// Writes "0", the entry count, then "epoch startOffset" lines to a temp file, fsyncs it and renames it over the
    /// checkpoint, so a crash leaves the old or the new file. Caller holds the lock.
    /// </summary>
    private void Persist()
    {
        var text = new StringBuilder();
        text.Append(Version).Append('\n').Append(_entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (EpochEntry entry in _entries)
        {
            text.Append(entry.Epoch.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(entry.StartOffset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        string tmp = _path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, _path, overwrite: true);
    }

    /// <summary>
    /// Reads the checkpoint into <paramref name="entries"/>. Returns false (and leaves it empty) when the file is
    /// missing, malformed or not monotonic; a malformed file is logged.
    /// </summary>
    private static bool TryReadCheckpoint(string path, List<EpochEntry> entries, ILogger logger)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        string[] lines = File.ReadAllLines(path);
        if (lines.Length >= 2 && lines[0] == Version
            && int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && lines.Length >= 2 + count)
        {
            for (int i = 0; i < count; i++)
            {
                string[] parts = lines[2 + i].Split(' ');
                if (parts.Length != 2
                    || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
                    || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
                    || (entries.Count > 0 && (epoch <= entries[^1].Epoch || offset <= entries[^1].StartOffset)))
                {
                    break;
                }

                entries.Add(new EpochEntry(epoch, offset));
            }

            if (entries.Count == count)
            {
                return true;
            }
        }

        entries.Clear();
        logger.MalformedEpochCheckpoint(path);
        return false;
    }
}
