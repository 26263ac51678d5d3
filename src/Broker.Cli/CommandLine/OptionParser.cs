namespace Broker.Cli.CommandLine;

/// <summary>
/// A small joptsimple look-alike: long options only, <c>--name value</c> or <c>--name=value</c>, unambiguous prefixes
/// accepted (as joptsimple does), repeatable options keep every value. Errors become <see cref="UsageException"/>s
/// carrying joptsimple's wording. Not thread-safe; one per tool run.
/// </summary>
internal sealed class OptionParser
{
    private readonly Dictionary<string, OptionSpec> _specs = new(StringComparer.Ordinal);

    public OptionParser(string description) => Description = description;

    public string Description { get; }

    public OptionParser Flag(string name, string description)
    {
        _specs[name] = new OptionSpec(name, description);
        return this;
    }

    public OptionParser Arg(string name, string argName, string description, string? @default = null, bool optional = false)
    {
        _specs[name] = new OptionSpec(name, description, argName, optional, @default);
        return this;
    }

    public ParsedOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                rest.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                rest.Add(arg);
                continue;
            }

            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            var spec = Resolve(name);
            if (!values.TryGetValue(spec.Name, out var list)) values[spec.Name] = list = [];
            if (!spec.TakesArg)
            {
                if (inline is not null) throw new UsageException($"Option {spec.Name} does not take an argument", this);
                list.Add(null);
            }
            else if (inline is not null)
            {
                list.Add(inline);
            }
            else if (i + 1 < args.Count && !(spec.OptionalArg && args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                list.Add(args[++i]);
            }
            else if (spec.OptionalArg)
            {
                list.Add(null);
            }
            else
            {
                throw new UsageException($"Option {spec.Name} requires an argument", this);
            }
        }

        return new ParsedOptions(values, rest, _specs);
    }

    /// <summary>What <c>--version</c> prints: the Kafka release whose tools these mirror.</summary>
    public const string Version = "3.6.2 (Broker.Cli)";

    /// <summary>
    /// Kafka's <c>CommandLineUtils.maybePrintHelpOrVersion</c>: <c>--help</c> prints the usage, <c>--version</c> (where
    /// the tool declares it) the version. True when one was printed: the tool then exits 0 without doing anything else.
    /// </summary>
    public bool PrintedHelpOrVersion(ParsedOptions options, TextWriter output)
    {
        if (options.Has("help"))
        {
            PrintHelp(output);
            return true;
        }

        if (_specs.ContainsKey("version") && options.Has("version"))
        {
            output.WriteLine(Version);
            return true;
        }

        return false;
    }

    /// <summary>joptsimple's help layout: two columns, options sorted by name.</summary>
    public void PrintHelp(TextWriter output)
    {
        var rows = _specs.Values.OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => (Left: "--" + s.Name + (s.TakesArg ? (s.OptionalArg ? $" [{s.ArgName}]" : $" <{s.ArgName}>") : ""),
                Right: s.Description + (s.Default is null ? "" : $" (default: {s.Default})")))
            .ToList();
        const int width = 41;
        output.WriteLine(Description);
        output.WriteLine("Option".PadRight(width) + "Description");
        output.WriteLine("------".PadRight(width) + "-----------");
        foreach (var (left, right) in rows)
        {
            // A long option name gets a line of its own, the description follows indented.
            if (left.Length >= width) output.WriteLine(left + Environment.NewLine + new string(' ', width) + right);
            else output.WriteLine(left.PadRight(width) + right);
        }
    }

    private OptionSpec Resolve(string name)
    {
        if (_specs.TryGetValue(name, out var exact)) return exact;
        var candidates = _specs.Values.Where(s => s.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new UsageException($"{name} is not a recognized option", this),
            _ => throw new UsageException($"Option '{name}' is ambiguous; possibilities: {string.Join(" ", candidates.Select(c => "'" + c.Name + "'"))}", this),
        };
    }
}
