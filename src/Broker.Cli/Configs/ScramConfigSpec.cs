using Broker.Cli.CommandLine;
using Broker.Coordination.Scram;

namespace Broker.Cli.Configs;

/// <summary>
/// One SCRAM entry of <c>--add-config</c>, Kafka's syntax: <c>SCRAM-SHA-256=[iterations=8192,password=alice-secret]</c>
/// (iterations default to 4096, Kafka's minimum). Immutable.
/// </summary>
internal sealed record ScramConfigSpec(ScramMechanism Mechanism, int Iterations, string Password)
{
    /// <summary>
    /// Splits Kafka's <c>k1=v1,k2=[a,b]</c> at top-level commas (a bracketed value keeps its commas), then reads the
    /// SCRAM entries. Any other key is refused (<c>Invalid config(s): k</c>): user quotas are not served.
    /// </summary>
    public static IReadOnlyList<ScramConfigSpec> ParseAll(string text)
    {
        var result = new List<ScramConfigSpec>();
        var invalid = new List<string>();
        foreach (var entry in SplitTopLevel(text))
        {
            int eq = entry.IndexOf('=');
            if (eq <= 0) throw new UsageException($"Invalid entity config: all configs to be added must be in the format \"key=val\": {entry}");
            string key = entry[..eq].Trim();
            if (ScramMechanism.FromName(key) is not { } mechanism)
            {
                invalid.Add(key);
                continue;
            }

            string value = entry[(eq + 1)..].Trim();
            if (value.StartsWith('[') && value.EndsWith(']')) value = value[1..^1];
            var fields = value.Split(',').Select(f => f.Split('=', 2)).ToDictionary(f => f[0].Trim(), f => f.Length > 1 ? f[1] : "");
            if (!fields.TryGetValue("password", out var password) || password.Length == 0)
                throw new UsageException($"Invalid credential config {key}: password is required");
            int iterations = ScramMechanism.MinIterations;
            if (fields.TryGetValue("iterations", out var it) && !int.TryParse(it, out iterations))
                throw new UsageException($"Invalid credential config {key}: iterations must be a number");
            if (iterations < ScramMechanism.MinIterations)
                throw new UsageException($"Invalid credential config {key}: iterations {iterations} is below the minimum {ScramMechanism.MinIterations}");
            result.Add(new ScramConfigSpec(mechanism, iterations, password));
        }

        if (invalid.Count > 0) throw new UsageException("Invalid config(s): " + string.Join(",", invalid));
        return result;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '[') depth++;
            else if (text[i] == ']') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                if (i > start) yield return text[start..i];
                start = i + 1;
            }
        }

        if (start < text.Length) yield return text[start..];
    }

    public override string ToString() => $"{Mechanism.Name}=[iterations={Iterations},password=[hidden]]";
}
