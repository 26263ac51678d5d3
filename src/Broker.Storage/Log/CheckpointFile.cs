using System.Globalization;
using System.Text;

namespace Broker.Storage.Log;

/// <summary>
/// Kafka's offset checkpoint files (<c>recovery-point-offset-checkpoint</c>): a version line "0", a count line, then
/// "topic partition offset" lines. Written to a .tmp file, fsynced and atomically renamed, so a reader sees the old
/// or the new content, never a torn one. A malformed file reads as empty (nothing trusted, full recovery).
/// Not thread-safe per path; the LogManager serialises writers.
/// </summary>
internal static class CheckpointFile
{
    public const string RecoveryPointFileName = "recovery-point-offset-checkpoint";

    public static void Write(string path, IEnumerable<KeyValuePair<TopicPartition, long>> offsets)
    {
        var entries = offsets.ToList();
        var text = new StringBuilder();
        text.Append("0\n").Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach ((TopicPartition tp, long offset) in entries)
        {
            text.Append(tp.Topic).Append(' ')
                .Append(tp.Partition.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        string tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
    }

    public static Dictionary<TopicPartition, long> Read(string path)
    {
        var result = new Dictionary<TopicPartition, long>();
        if (!File.Exists(path))
        {
            return result;
        }

        string[] lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0] != "0" || !int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || lines.Length < 2 + count)
        {
            return result;
        }

        for (int i = 0; i < count; i++)
        {
            string[] parts = lines[2 + i].Split(' ');
            if (parts.Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int partition)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
            {
                return [];
            }

            result[new TopicPartition(parts[0], partition)] = offset;
        }

        return result;
    }
}
