namespace Broker.Cli.CommandLine;

/// <summary>
/// Reads Java <c>.properties</c> files for <c>--command-config</c>, <c>--producer.config</c> and
/// <c>--consumer.config</c>: <c>#</c>/<c>!</c> comment lines, <c>=</c>, <c>:</c> or whitespace between key and value,
/// a trailing backslash continues the line, leading spaces of a value dropped.
/// </summary>
internal static class PropertiesFile
{
    public static Dictionary<string, string> Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"{path} (No such file or directory)");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? pending = null;
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = pending is null ? raw.TrimStart() : pending + raw.TrimStart();
            pending = null;
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            if (line.EndsWith('\\') && !line.EndsWith(@"\\", StringComparison.Ordinal))
            {
                pending = line[..^1];
                continue;
            }

            var (key, value) = SplitPair(line);
            result[key] = value;
        }

        return result;
    }

    /// <summary>Splits <c>key=value</c> (also <c>key:value</c>, <c>key value</c>).</summary>
    public static (string Key, string Value) SplitPair(string line)
    {
        int at = line.IndexOfAny(['=', ':', ' ', '\t']);
        if (at < 0) return (line, "");
        string key = line[..at];
        string value = line[(at + 1)..].TrimStart();
        if (line[at] is ' ' or '\t' && value.Length > 0 && value[0] is '=' or ':') value = value[1..].TrimStart();
        return (key, value);
    }
}
