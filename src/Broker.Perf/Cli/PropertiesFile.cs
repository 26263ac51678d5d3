namespace Broker.Perf.Cli;

/// <summary>
/// Reads client settings files (<c>--producer.config</c>, <c>--consumer.config</c>, end-to-end-latency's
/// properties_file): <c>key=value</c> or <c>key:value</c> lines, <c>#</c> or <c>!</c> comment lines. Enough of the
/// java.util.Properties format for client settings; escapes and continuations are not supported.
/// </summary>
internal static class PropertiesFile
{
    public static IEnumerable<KeyValuePair<string, string>> Read(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"properties file '{path}' not found");
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            yield return ParsePair(line, path);
        }
    }

    /// <summary>Parses one <c>key=value</c> (as given to <c>--producer-props</c>).</summary>
    public static KeyValuePair<string, string> ParsePair(string text, string where)
    {
        int sep = text.IndexOfAny(['=', ':']);
        if (sep <= 0) throw new UsageException($"{where}: invalid property '{text}', expected key=value");
        return new(text[..sep].Trim(), text[(sep + 1)..].Trim());
    }
}
