using System.Text;

namespace Broker.ZooKeeper.Sasl;

/// <summary>
/// Parses a DIGEST-MD5 directive list (RFC 2831 section 7.1): <c>name=value</c> or <c>name="quoted value"</c>
/// (backslash escapes), comma-separated, with optional white space. The first of repeated names wins.
/// </summary>
internal static class DirectiveParser
{
    /// <exception cref="FormatException">A directive has no '=' or a quoted value is not closed.</exception>
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (true)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            if (i >= text.Length) return result;
            int start = i;
            while (i < text.Length && text[i] != '=') i++;
            if (i >= text.Length) throw new FormatException($"directive '{text[start..].Trim()}' has no value");
            string name = text[start..i].Trim();
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                for (i++; ; i++)
                {
                    if (i >= text.Length) throw new FormatException($"the value of '{name}' is not closed by '\"'");
                    if (text[i] == '"') { i++; break; }
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    sb.Append(text[i]);
                }

                value = sb.ToString();
            }
            else
            {
                int valueStart = i;
                while (i < text.Length && text[i] != ',') i++;
                value = text[valueStart..i].Trim();
            }

            result.TryAdd(name, value);
        }
    }
}
