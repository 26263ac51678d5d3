namespace Broker.Server.Configuration;

/// <summary>
/// One <c>key=value</c> pair as written by the user, after unescaping but before any typing or validation.
/// <see cref="Value"/> keeps trailing whitespace, as Java properties do; typing trims it where Kafka does.
/// </summary>
public sealed record PropertyEntry(string Key, string Value, ConfigSource Source)
{
    /// <summary>The file name, or <c>--override</c> for command-line entries.</summary>
    public string FileName => Source.FileName;

    /// <summary>1-based line on which the (possibly continued) entry started; 0 for overrides.</summary>
    public int Line => Source.Line;
}
