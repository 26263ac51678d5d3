using System.Text;

namespace Broker.Server.Security.Sasl;

/// <summary>
/// One login module entry of a JAAS configuration as Kafka's <c>sasl.jaas.config</c> holds it:
/// <c>org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="s" user_alice="a";</c>.
/// Values may be quoted (with backslash escapes) or bare; the entry ends with ';'. Immutable.
/// </summary>
public sealed record JaasConfig(string LoginModule, string ControlFlag, IReadOnlyDictionary<string, string> Options)
{
    public const string PlainLoginModule = "org.apache.kafka.common.security.plain.PlainLoginModule";
    public const string ScramLoginModule = "org.apache.kafka.common.security.scram.ScramLoginModule";

    /// <summary>The <c>user_&lt;name&gt;</c> options: the users a PLAIN server accepts, name → password.</summary>
    public IReadOnlyDictionary<string, string> PlainUsers =>
        Options.Where(kv => kv.Key.StartsWith("user_", StringComparison.Ordinal) && kv.Key.Length > 5)
            .ToDictionary(kv => kv.Key[5..], kv => kv.Value, StringComparer.Ordinal);

    public string? Username => Options.GetValueOrDefault("username");

    public string? Password => Options.GetValueOrDefault("password");

    /// <summary>Parses exactly one login module entry.</summary>
    /// <exception cref="FormatException">The text is not one entry (the message says where it stops making sense).</exception>
    public static JaasConfig Parse(string text)
    {
        int i = 0;
        string module = Word(text, ref i, "login module class name");
        string flag = Word(text, ref i, "control flag");
        if (flag is not ("required" or "requisite" or "sufficient" or "optional"))
            throw new FormatException($"'{flag}' is not a control flag (required, requisite, sufficient or optional)");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length) throw new FormatException("the entry must end with ';'");
            if (text[i] == ';')
            {
                i++;
                SkipSpace(text, ref i);
                if (i < text.Length) throw new FormatException("only one login module may be given");
                return new JaasConfig(module, flag, options);
            }

            int start = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]) && text[i] != ';') i++;
            string key = text[start..i];
            SkipSpace(text, ref i);
            if (key.Length == 0 || i >= text.Length || text[i] != '=')
                throw new FormatException($"expected key=value at character {start + 1}");
            i++;
            SkipSpace(text, ref i);
            options[key] = Value(text, ref i);
        }
    }

    private static string Word(string text, ref int i, string what)
    {
        SkipSpace(text, ref i);
        int start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ';') i++;
        if (i == start) throw new FormatException($"missing {what}");
        return text[start..i];
    }

    private static string Value(string text, ref int i)
    {
        if (i < text.Length && text[i] == '"')
        {
            var sb = new StringBuilder();
            for (i++; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '"')
                {
                    i++;
                    return sb.ToString();
                }

                if (c == '\\' && i + 1 < text.Length) c = text[++i];
                sb.Append(c);
            }

            throw new FormatException("unterminated quoted value");
        }

        int start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ';') i++;
        return text[start..i];
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
    }

    /// <summary>Never the options (they hold passwords).</summary>
    public override string ToString() => $"{LoginModule} {ControlFlag}";
}
