namespace Broker.Server.Configuration;

/// <summary>
/// The definition of one broker setting: one row of <see cref="BrokerConfigDef"/>. <see cref="Default"/> is written in
/// properties syntax and goes through the same typing and validation as user input, so a default can never be a value
/// the user would be refused; null means "not set" (a fallback is described in <see cref="Doc"/>). Immutable.
/// </summary>
public sealed record ConfigKey(
    string Name,
    ConfigType Type,
    string? Default,
    ConfigValidator? Validator,
    ConfigImportance Importance,
    string Doc)
{
    /// <summary>The docs section; assigned by the table.</summary>
    public string Group { get; init; } = string.Empty;

    /// <summary>
    /// Set for a setting the broker knows but does not serve (e.g. <c>authorizer.class.name</c> before authorization
    /// exists): any value other than the default stops start-up with this reason, so a configuration that asks for
    /// security is never accepted and ignored.
    /// </summary>
    public string? RefusedReason { get; init; }

    /// <summary>True for secrets: never log or describe the value.</summary>
    public bool IsSensitive => Type == ConfigType.Password;
}
