namespace Broker.Server.Configuration;

/// <summary>A secret setting. <see cref="ToString"/> never reveals it, so it cannot leak into logs by accident.</summary>
public sealed class PasswordValue(string value)
{
    public const string Hidden = "[hidden]";

    /// <summary>The secret itself, exactly as written (not trimmed).</summary>
    public string Value { get; } = value;

    public override string ToString() => Hidden;

    public override bool Equals(object? obj) => obj is PasswordValue other && other.Value == Value;

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
}
