namespace Broker.Server.Configuration;

/// <summary>
/// The type of a setting and therefore of its resolved value: Int → <see cref="int"/>, Long → <see cref="long"/>,
/// Bool → <see cref="bool"/>, String → <see cref="string"/>, List → <see cref="IReadOnlyList{T}"/> of string,
/// Double → <see cref="double"/>, Password → <see cref="PasswordValue"/>.
/// </summary>
public enum ConfigType
{
    Int,
    Long,
    Bool,
    String,
    List,
    Double,
    Password,
}
