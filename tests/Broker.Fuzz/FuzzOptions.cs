using System.Globalization;

namespace Broker.Fuzz;

/// <summary>Command line of the fuzzer (bin/fuzz.sh). Immutable.</summary>
public sealed record FuzzOptions
{
    /// <summary>Seed of the mutations; the same seed sends the same frames from each worker.</summary>
    public int Seed { get; init; } = Environment.TickCount & 0x7FFFFFFF;

    /// <summary>Mutated frames to send (the run stops at this count or at <see cref="Duration"/>, whichever first).</summary>
    public long Frames { get; init; } = 100_000;

    public TimeSpan? Duration { get; init; }

    /// <summary>Abandoned long polls to open and drop after the frames (0: none).</summary>
    public int AbandonedPolls { get; init; }

    /// <summary>Connections used at once.</summary>
    public int Connections { get; init; } = 16;

    /// <summary>Frames between two health checks.</summary>
    public int BatchFrames { get; init; } = 10_000;

    /// <summary>Handles (sockets and others, log files excluded) allowed above the baseline at the end.</summary>
    public int HandleTolerance { get; init; } = 10;

    /// <summary>Resident memory allowed above the baseline at the end, in MiB (see docs/fuzzing.md for why).</summary>
    public int RssToleranceMiB { get; init; } = 128;

    /// <summary>Most replays one minimization may try (each starts connections; a stall costs 5 s); 0 turns it off.</summary>
    public int MinimizeBudget { get; init; } = 300;

    /// <summary>Minimize the first stalled connection too (off by default: most stalls are waits by design).</summary>
    public bool MinimizeStalls { get; init; }

    /// <summary><c>--replay FILE</c> or <c>--minimize FILE</c>: work on a saved sequence instead of fuzzing.</summary>
    public string? ReplayFile { get; init; }

    public bool MinimizeOnly { get; init; }

    /// <summary>What a replay or minimization checks for (<c>--kind crash|stall|leak</c>).</summary>
    public Minimize.FailureKind Kind { get; init; } = Minimize.FailureKind.Crash;

    public static FuzzOptions Parse(string[] args)
    {
        var o = new FuzzOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--seed" => o with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--frames" => o with { Frames = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--duration" => o with { Duration = ParseDuration(Value()) },
                "--abandoned-polls" => o with { AbandonedPolls = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--connections" => o with { Connections = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--batch" => o with { BatchFrames = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--handle-tolerance" => o with { HandleTolerance = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--rss-tolerance-mib" => o with { RssToleranceMiB = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--minimize-budget" => o with { MinimizeBudget = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--minimize-stalls" => o with { MinimizeStalls = true },
                "--replay" => o with { ReplayFile = Value() },
                "--minimize" => o with { ReplayFile = Value(), MinimizeOnly = true },
                "--kind" => o with { Kind = Enum.Parse<Minimize.FailureKind>(Value(), ignoreCase: true) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return o;
    }

    /// <summary>"90" or "90s" seconds, "15m", "2h".</summary>
    private static TimeSpan ParseDuration(string s)
    {
        char unit = char.IsLetter(s[^1]) ? s[^1] : 's';
        double n = double.Parse(char.IsLetter(s[^1]) ? s[..^1] : s, CultureInfo.InvariantCulture);
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => throw new ArgumentException($"duration {s}: use s, m or h"),
        };
    }

    public const string Usage =
        "Usage: fuzz.sh [--seed N] [--frames N] [--duration 90s|15m|2h] [--abandoned-polls N] [--connections N] [--batch N]\n" +
        "               [--handle-tolerance N] [--rss-tolerance-mib N] [--minimize-budget N] [--minimize-stalls]\n" +
        "       fuzz.sh --replay FILE [--kind crash|stall|leak]      replay a saved sequence on a fresh broker\n" +
        "       fuzz.sh --minimize FILE [--kind crash|stall|leak]    reduce it to a minimal reproducer (FILE.min.frames)\n" +
        "Starts ZooKeeper and one broker, sends mutated request frames (then abandoned long polls), checks the broker\n" +
        "after every batch with a clean round trip and that nothing reached the control topic, and compares RSS and open\n" +
        "handles with the baseline at the end. Exit 0 only when the broker stayed up and came back to its baseline.\n" +
        "A crash, a handle leak (and with --minimize-stalls a stalled connection) is minimized into a replay file.\n" +
        "--replay exits 1 when the sequence shows the failure, 0 when it does not.";
}
