using System.Globalization;

namespace Broker.Server.Configuration;

/// <summary>Turns raw property text into typed values (see <see cref="ConfigType"/>) and back. Thread-safe.</summary>
internal static class ConfigValueParser
{
    /// <summary>
    /// Parses <paramref name="raw"/>. Like Kafka, every type but Password is trimmed first; list items are split on
    /// commas, trimmed, and empty items dropped. On failure <paramref name="reason"/> follows <c>key = 'raw'</c>.
    /// </summary>
    public static bool TryParse(ConfigType type, string raw, out object? value, out string reason)
    {
        var text = type == ConfigType.Password ? raw : raw.Trim();
        reason = string.Empty;
        value = null;
        switch (type)
        {
            case ConfigType.Int when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i):
                value = i;
                return true;
            case ConfigType.Int:
                reason = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                    ? $"is not a valid int (must be between {int.MinValue} and {int.MaxValue})"
                    : "is not a valid int";
                return false;
            case ConfigType.Long when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                value = l;
                return true;
            case ConfigType.Long:
                reason = "is not a valid long";
                return false;
            case ConfigType.Double when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                value = d;
                return true;
            case ConfigType.Double:
                reason = "is not a valid double";
                return false;
            case ConfigType.Bool when bool.TryParse(text, out var b):
                value = b;
                return true;
            case ConfigType.Bool:
                reason = "is not a valid bool (expected true or false)";
                return false;
            case ConfigType.String:
                value = text;
                return true;
            case ConfigType.Password:
                value = new PasswordValue(text);
                return true;
            case ConfigType.List:
                value = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    /// <summary>True for the types where a trailing <c># comment</c> is recognised and forgiven.</summary>
    public static bool IsScalar(ConfigType type) =>
        type is ConfigType.Int or ConfigType.Long or ConfigType.Double or ConfigType.Bool;

    /// <summary>Kafka's text form of a typed value: lists comma-joined, bools lower-case, numbers invariant.</summary>
    public static string? Render(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IReadOnlyList<string> list => string.Join(",", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
