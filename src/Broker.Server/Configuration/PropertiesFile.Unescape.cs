using System.Globalization;
using System.Text;

namespace Broker.Server.Configuration;

public static partial class PropertiesFile
{
    private static string Unescape(ReadOnlySpan<char> text, ConfigSource source)
    {
        if (text.IndexOf('\\') < 0)
            return text.ToString();

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (++i == text.Length)
                break; // A lone trailing backslash (continuation at end of file) means nothing.

            c = text[i];
            switch (c)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'u':
                    result.Append(ReadUnicodeEscape(text, i + 1, source));
                    i += 4;
                    break;
                default: result.Append(c); break;
            }
        }

        return result.ToString();
    }

    private static char ReadUnicodeEscape(ReadOnlySpan<char> text, int start, ConfigSource source)
    {
        var digits = text[start..Math.Min(start + 4, text.Length)];
        if (digits.Length == 4
            && ushort.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            return (char)code;

        throw new ConfigException($"{source}: malformed \\uXXXX escape '\\u{digits}' (expected four hex digits)");
    }
}
