using System.Globalization;

namespace Broker.Server.Configuration;

/// <summary>
/// Checks a typed, non-null setting value. <see cref="Validate"/> returns null when the value is acceptable, else the
/// reason phrased to follow <c>key = 'value'</c> (e.g. <c>must be at least 1</c>). Immutable and thread-safe.
/// </summary>
public sealed class ConfigValidator
{
    private readonly Func<object, string?> _check;

    private ConfigValidator(string description, Func<object, string?> check)
    {
        Description = description;
        _check = check;
    }

    /// <summary>The valid values in words, for the generated docs (e.g. <c>[1,...]</c>).</summary>
    public string Description { get; }

    public string? Validate(object value) => _check(value);

    /// <summary>Integer (int or long) value of at least <paramref name="min"/>.</summary>
    public static ConfigValidator AtLeast(long min) =>
        new($"[{min},...]", v => ToLong(v) >= min ? null : $"must be at least {min}");

    /// <summary>Integer (int or long) value in the closed range.</summary>
    public static ConfigValidator Between(long min, long max) =>
        new($"[{min},...,{max}]", v => ToLong(v) is var n && n >= min && n <= max ? null : $"must be between {min} and {max}");

    /// <summary>Double value in the closed range.</summary>
    public static ConfigValidator Between(double min, double max) =>
        new(
            string.Create(CultureInfo.InvariantCulture, $"[{min},...,{max}]"),
            v => (double)v >= min && (double)v <= max
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));

    /// <summary>A string equal to one of <paramref name="allowed"/> (case-sensitive), or a list of such strings.</summary>
    public static ConfigValidator OneOf(params string[] allowed)
    {
        var list = string.Join(", ", allowed);
        return new(list, v => v switch
        {
            string s => allowed.Contains(s) ? null : $"must be one of: {list}",
            IReadOnlyList<string> items => items.FirstOrDefault(i => !allowed.Contains(i)) is { } bad
                ? $"contains '{bad}', which is not one of: {list}"
                : null,
            _ => $"must be one of: {list}",
        });
    }

    /// <summary>A non-empty string or list.</summary>
    public static ConfigValidator NonEmpty { get; } = new("non-empty", v => v switch
    {
        string { Length: 0 } => "must not be empty",
        IReadOnlyList<string> { Count: 0 } => "must not be empty",
        _ => null,
    });

    /// <summary>Any rule; <paramref name="check"/> returns null when valid, else the reason.</summary>
    public static ConfigValidator Custom(string description, Func<object, string?> check) => new(description, check);

    private static long ToLong(object value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
