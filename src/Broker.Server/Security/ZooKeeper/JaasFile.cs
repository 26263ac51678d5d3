using System.Text;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Security.ZooKeeper;

/// <summary>
/// A JAAS login configuration file as Java reads it (<c>-Djava.security.auth.login.config</c>): named sections, each
/// <c>Name { module flag key="value" ...; ... };</c>, with <c>//</c> and <c>/* */</c> comments. Immutable.
/// </summary>
public sealed class JaasFile
{
    private readonly Dictionary<string, IReadOnlyList<JaasConfig>> _sections;

    private JaasFile(Dictionary<string, IReadOnlyList<JaasConfig>> sections) => _sections = sections;

    /// <summary>The login modules of a section (case-sensitive, as Java), or null when the file has none by that name.</summary>
    public IReadOnlyList<JaasConfig>? Section(string name) => _sections.GetValueOrDefault(name);

    /// <exception cref="FormatException">The text is not a JAAS file; the message names the section or character.</exception>
    public static JaasFile Parse(string text)
    {
        var sections = new Dictionary<string, IReadOnlyList<JaasConfig>>(StringComparer.Ordinal);
        string clean = StripComments(text);
        int i = 0;
        while (true)
        {
            while (i < clean.Length && char.IsWhiteSpace(clean[i])) i++;
            if (i >= clean.Length) return new JaasFile(sections);
            int start = i;
            while (i < clean.Length && clean[i] != '{' && !char.IsWhiteSpace(clean[i])) i++;
            string name = clean[start..i];
            while (i < clean.Length && char.IsWhiteSpace(clean[i])) i++;
            if (name.Length == 0 || i >= clean.Length || clean[i] != '{')
                throw new FormatException($"expected 'Name {{' at character {start + 1}");
            int close = FindOutsideQuotes(clean, i + 1, '}') ?? throw new FormatException($"section {name} has no closing '}}'");
            var modules = new List<JaasConfig>();
            int entryStart = i + 1;
            while (FindOutsideQuotes(clean, entryStart, ';') is { } end && end < close)
            {
                try
                {
                    modules.Add(JaasConfig.Parse(clean[entryStart..(end + 1)]));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"section {name}: {e.Message}", e);
                }

                entryStart = end + 1;
            }

            if (clean[entryStart..close].Trim().Length > 0) throw new FormatException($"section {name}: a login module entry must end with ';'");
            if (modules.Count == 0) throw new FormatException($"section {name} has no login module");
            if (!sections.TryAdd(name, modules)) throw new FormatException($"section {name} appears twice");
            i = close + 1;
            while (i < clean.Length && char.IsWhiteSpace(clean[i])) i++;
            if (i >= clean.Length || clean[i] != ';') throw new FormatException($"section {name} must end with '}};'");
            i++;
        }
    }

    private static int? FindOutsideQuotes(string text, int from, char wanted)
    {
        bool quoted = false;
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted && c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (!quoted && c == wanted) return i;
        }

        return null;
    }

    /// <summary>Blanks comments outside quoted values, keeping character positions.</summary>
    private static string StripComments(string text)
    {
        var sb = new StringBuilder(text);
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') sb[i++] = ' ';
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                for (; i < end; i++) if (text[i] != '\n') sb[i] = ' ';
                i--;
            }
        }

        return sb.ToString();
    }
}
