namespace Broker.Cli.CommandLine;

/// <summary>
/// One long option (<c>--name</c>). <see cref="ArgName"/> null means a flag; otherwise the option takes a value
/// (<c>--name value</c> or <c>--name=value</c>), which may be left out when <see cref="OptionalArg"/> is set.
/// Immutable.
/// </summary>
internal sealed record OptionSpec(string Name, string Description, string? ArgName = null, bool OptionalArg = false, string? Default = null)
{
    public bool TakesArg => ArgName is not null;
}
