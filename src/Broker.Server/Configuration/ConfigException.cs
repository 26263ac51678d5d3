namespace Broker.Server.Configuration;

/// <summary>
/// The configuration cannot be used. The message is meant for the operator and always starts with the location
/// (<c>file:line</c>, <c>--override</c> or <c>default</c>), e.g.
/// <c>server.properties:12: num.partitions = 'abc' is not a valid int</c>.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(ConfigSource source, string key, string? value, string reason)
        : base(Format(source, key, value, reason))
    {
        Location = source;
        Key = key;
        Value = value;
    }

    /// <summary>Where the bad value came from, when the problem belongs to one setting.</summary>
    public ConfigSource? Location { get; }

    /// <summary>The setting at fault, when there is one.</summary>
    public string? Key { get; }

    /// <summary>The raw value at fault, when there is one.</summary>
    public string? Value { get; }

    internal static string Format(ConfigSource source, string key, string? value, string reason)
    {
        var hint = value is not null && InlineComment.Find(value) >= 0
            ? " ('#' only starts a comment at the beginning of a line)"
            : string.Empty;
        return value is null
            ? $"{source}: {key} {reason}"
            : $"{source}: {key} = '{value}' {reason}{hint}";
    }
}
