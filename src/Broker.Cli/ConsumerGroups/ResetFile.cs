using System.Globalization;
using Broker.Cli.CommandLine;

namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// Inputs of --reset-offsets that need parsing: the --from-file CSV (<c>topic,partition,offset</c>, or
/// <c>group,topic,partition,offset</c> as --export writes for several groups), --to-datetime and --by-duration.
/// Pure functions; thread-safe.
/// </summary>
internal static class ResetFile
{
    public sealed record Row(string? Group, string Topic, int Partition, long Offset);

    public static List<Row> Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"{path} (No such file or directory)");
        var rows = new List<Row>();
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            var f = line.Split(',');
            rows.Add(f.Length switch
            {
                3 => new Row(null, f[0], Int(f[1], line), Long(f[2], line)),
                4 => new Row(f[0], f[1], Int(f[2], line), Long(f[3], line)),
                _ => throw new UsageException($"Bad CSV line '{line}': expected topic,partition,offset or group,topic,partition,offset"),
            });
        }

        return rows;
    }

    /// <summary>Kafka's Utils.getDateTime: <c>yyyy-MM-ddTHH:mm:ss.SSS</c>, optional zone (Z, ±hh:mm, ±hhmm); local time without one.</summary>
    public static long ParseDateTime(string text)
    {
        string[] zoned = ["yyyy-MM-dd'T'HH:mm:ss.fffK", "yyyy-MM-dd'T'HH:mm:ss.fffzzz", "yyyy-MM-dd'T'HH:mm:ss.fffzz00"];
        if (DateTimeOffset.TryParseExact(text, zoned, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && HasZone(text))
            return at.ToUnixTimeMilliseconds();
        if (DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
            return new DateTimeOffset(local).ToUnixTimeMilliseconds();
        throw new UsageException($"Error parsing timestamp '{text}': expected format 'YYYY-MM-DDTHH:mm:SS.sss'");
    }

    /// <summary>ISO-8601 duration (<c>PnDTnHnMnS</c>); the sign is ignored, as Kafka takes the absolute value.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        try
        {
            return System.Xml.XmlConvert.ToTimeSpan(text.TrimStart('+')).Duration();
        }
        catch (FormatException)
        {
            throw new UsageException($"Text cannot be parsed to a Duration: {text}");
        }
    }

    private static bool HasZone(string text) => text.EndsWith('Z') || text.Length > 23;

    private static int Int(string s, string line) =>
        int.TryParse(s.Trim(), CultureInfo.InvariantCulture, out int v) ? v : throw new UsageException($"Bad partition in CSV line '{line}'");

    private static long Long(string s, string line) =>
        long.TryParse(s.Trim(), CultureInfo.InvariantCulture, out long v) ? v : throw new UsageException($"Bad offset in CSV line '{line}'");
}
