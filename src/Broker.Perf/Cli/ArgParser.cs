using System.Globalization;

namespace Broker.Perf.Cli;

/// <summary>
/// Kafka-style command line: <c>--name value</c>, <c>--name=value</c>, flags without a value, and multi-valued options
/// (<c>--producer-props a=1 b=2</c>) that take every following token up to the next one starting with <c>--</c>.
/// Tokens that belong to no option are positional. Unknown options are errors so typos do not pass silently.
/// </summary>
internal sealed class ArgParser
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    private ArgParser()
    {
    }

    public IReadOnlyList<string> Positional => _positional;

    /// <param name="args">the arguments after the subcommand</param>
    /// <param name="valued">options that take exactly one value</param>
    /// <param name="multi">options that take one or more values</param>
    /// <param name="flags">options without a value</param>
    public static ArgParser Parse(string[] args, IEnumerable<string> valued, IEnumerable<string> multi, IEnumerable<string> flags)
    {
        var valuedSet = valued.ToHashSet(StringComparer.Ordinal);
        var multiSet = multi.ToHashSet(StringComparer.Ordinal);
        var flagSet = flags.ToHashSet(StringComparer.Ordinal);
        var parsed = new ArgParser();
        for (int i = 0; i < args.Length; i++)
        {
            string token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token == "--")
            {
                parsed._positional.Add(token);
                continue;
            }

            string name = token[2..];
            string? inline = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            var list = parsed.ListFor(name);
            if (flagSet.Contains(name))
            {
                if (inline is not null) throw new UsageException($"option --{name} takes no value");
                list.Add("true");
            }
            else if (valuedSet.Contains(name))
            {
                if (inline is not null) list.Add(inline);
                else if (i + 1 < args.Length) list.Add(args[++i]);
                else throw new UsageException($"option --{name} needs a value");
            }
            else if (multiSet.Contains(name))
            {
                if (inline is not null) list.Add(inline);
                while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) list.Add(args[++i]);
                if (list.Count == 0) throw new UsageException($"option --{name} needs at least one value");
            }
            else
            {
                throw new UsageException($"unknown option --{name}");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var l) && l.Count > 0 ? l[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var l) ? l : [];

    public string Required(string name) => Get(name) ?? throw new UsageException($"Missing required argument \"[{name}]\"");

    public long GetLong(string name, long fallback) => Get(name) is { } s ? ParseLong(name, s) : fallback;

    public long RequiredLong(string name) => ParseLong(name, Required(name));

    public static long ParseLong(string name, string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new UsageException($"option {name}: '{s}' is not an integer");

    private List<string> ListFor(string name)
    {
        if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
        return list;
    }
}
