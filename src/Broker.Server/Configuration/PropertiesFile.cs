using System.Text;

namespace Broker.Server.Configuration;

/// <summary>
/// Reads Java <c>.properties</c> text the way <c>java.util.Properties.load</c> does, but keeps the line of every entry
/// so that errors can say <c>file:line</c>. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Rules: a line whose first non-blank character is <c>#</c> or <c>!</c> is a comment (a comment never continues);
/// a line ending in an odd number of backslashes continues on the next line, whose leading whitespace is dropped; the
/// key ends at the first unescaped <c>=</c>, <c>:</c> or whitespace, and whitespace around that separator is ignored;
/// escapes are <c>\t \n \r \f \\ \uXXXX</c>, and any other <c>\x</c> means <c>x</c>. Later duplicates are kept in the
/// list (the caller decides; Java's last one wins).
/// </remarks>
public static partial class PropertiesFile
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="fileName"/> is used only for locations.</summary>
    /// <exception cref="ConfigException">A malformed <c>\uXXXX</c> escape.</exception>
    public static IReadOnlyList<PropertyEntry> Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var entries = new List<PropertyEntry>();
        var logical = new StringBuilder();
        var lineNumber = 0;
        var position = 0;
        while (position < text.Length)
        {
            var line = NextLine(text, ref position);
            lineNumber++;
            var start = SkipBlanks(line, 0);
            if (start == line.Length || line[start] is '#' or '!')
                continue;

            var startLine = lineNumber;
            logical.Clear();
            while (true)
            {
                var continues = EndsWithOddBackslashes(line);
                logical.Append(line, start, line.Length - start - (continues ? 1 : 0));
                if (!continues || position >= text.Length)
                    break;
                line = NextLine(text, ref position);
                lineNumber++;
                start = SkipBlanks(line, 0);
            }

            entries.Add(ParseLogicalLine(logical.ToString(), ConfigSource.InFile(fileName, startLine)));
        }

        return entries;
    }

    /// <summary>
    /// Parses a command-line <c>key=value</c> (the argument of <c>--override</c>). Splits at the first <c>=</c>;
    /// no escapes, since the shell already did the quoting.
    /// </summary>
    /// <exception cref="ConfigException">No <c>=</c>, or an empty key.</exception>
    public static PropertyEntry ParseOverride(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? string.Empty : argument[..equals].Trim();
        if (key.Length == 0)
            throw new ConfigException($"{ConfigSource.OverrideName}: '{argument}' is not of the form key=value");
        return new PropertyEntry(key, argument[(equals + 1)..].TrimStart(), ConfigSource.CommandLine);
    }

    private static PropertyEntry ParseLogicalLine(string line, ConfigSource source)
    {
        var keyEnd = 0;
        var escaped = false;
        for (; keyEnd < line.Length; keyEnd++)
        {
            var c = line[keyEnd];
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c is '=' or ':' || IsBlank(c))
                break;
        }

        var valueStart = SkipBlanks(line, keyEnd);
        if (valueStart < line.Length && line[valueStart] is '=' or ':')
            valueStart = SkipBlanks(line, valueStart + 1);

        var key = Unescape(line.AsSpan(0, keyEnd), source);
        var value = Unescape(line.AsSpan(valueStart), source);
        return new PropertyEntry(key, value, source);
    }

    /// <summary>Returns the next natural line (without its terminator: \n, \r or \r\n) and advances past it.</summary>
    private static string NextLine(string text, ref int position)
    {
        var start = position;
        var end = text.AsSpan(start).IndexOfAny('\n', '\r');
        if (end < 0)
        {
            position = text.Length;
            return text[start..];
        }

        end += start;
        position = end + 1;
        if (text[end] == '\r' && position < text.Length && text[position] == '\n')
            position++;
        return text[start..end];
    }

    private static bool EndsWithOddBackslashes(string line)
    {
        var count = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
            count++;
        return count % 2 == 1;
    }

    private static int SkipBlanks(string line, int index)
    {
        while (index < line.Length && IsBlank(line[index]))
            index++;
        return index;
    }

    /// <summary>Java's properties whitespace: space, tab and form feed.</summary>
    private static bool IsBlank(char c) => c is ' ' or '\t' or '\f';
}
