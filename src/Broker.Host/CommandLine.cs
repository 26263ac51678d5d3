namespace Broker.Host;

/// <summary>
/// The broker's command line, as Kafka's: <c>CONFIG [--override key=value]...</c>. Also accepts
/// <c>--override=key=value</c>. Anything else is an error with a one-line reason.
/// </summary>
internal sealed record CommandLine(string ConfigPath, IReadOnlyList<string> Overrides)
{
    public const string Usage = "USAGE: Broker.Host server.properties [--override property=value]*";

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? config = null;
        var overrides = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--override")
            {
                if (i + 1 >= args.Count) throw new ArgumentException("--override needs a key=value argument");
                overrides.Add(CheckOverride(args[++i]));
            }
            else if (a.StartsWith("--override=", StringComparison.Ordinal))
            {
                overrides.Add(CheckOverride(a["--override=".Length..]));
            }
            else if (a.StartsWith('-'))
            {
                throw new ArgumentException($"unknown option '{a}'");
            }
            else if (config is null)
            {
                config = a;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{a}' (only one config file may be given)");
            }
        }

        return new CommandLine(config ?? throw new ArgumentException("no config file given"), overrides);
    }

    private static string CheckOverride(string kv) =>
        kv.Contains('=') && kv.IndexOf('=') > 0 ? kv : throw new ArgumentException($"--override '{kv}' is not key=value");
}
