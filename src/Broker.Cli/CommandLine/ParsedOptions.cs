namespace Broker.Cli.CommandLine;

/// <summary>The options found on a command line, by name, in the order given. Immutable after parsing.</summary>
internal sealed class ParsedOptions(Dictionary<string, List<string?>> values, IReadOnlyList<string> nonOptions, IReadOnlyDictionary<string, OptionSpec> specs)
{
    public IReadOnlyList<string> NonOptions { get; } = nonOptions;

    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>The last value given, else the option's default, else null.</summary>
    public string? Value(string name) =>
        values.TryGetValue(name, out var list) && list.Count > 0 && list[^1] is { } v ? v : specs.GetValueOrDefault(name)?.Default;

    public IReadOnlyList<string> Values(string name) =>
        values.TryGetValue(name, out var list) ? list.Where(v => v is not null).Select(v => v!).ToList() : [];

    public int? IntValue(string name, OptionParser parser)
    {
        string? text = Value(name);
        if (text is null) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new UsageException($"Cannot parse argument '{text}' of option {name}", parser);
    }
}
