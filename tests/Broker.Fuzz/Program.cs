using Broker.Fuzz;

// bin/fuzz.sh: see FuzzOptions.Usage. Exit 0 only when the broker survived and came back to its baseline.
if (args is ["--help" or "-h"])
{
    Console.WriteLine(FuzzOptions.Usage);
    return 0;
}

FuzzOptions options;
try
{
    options = FuzzOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"fuzz: {e.Message}\n{FuzzOptions.Usage}");
    return 2;
}

if (options.ReplayFile is { } file)
{
    if (options.MinimizeOnly)
        return await FuzzRunner.MinimizeAndReportAsync(file, options.Kind, options with { MinimizeBudget = Math.Max(1, options.MinimizeBudget) }, Console.Out) is null ? 1 : 0;
    var sequence = Broker.Fuzz.Minimize.FrameSequence.Read(file);
    await using var target = await Broker.Fuzz.Minimize.ReplayTarget.StartAsync(Console.Out);
    var seen = await target.ReplayAsync(sequence, options.Kind == Broker.Fuzz.Minimize.FailureKind.Leak);
    Console.WriteLine($"replay: {sequence}: {(seen.Count == 0 ? "no failure" : string.Join(", ", seen))}");
    return seen.Contains(options.Kind) ? 1 : 0;
}

var result = await FuzzRunner.RunAsync(options, Console.Out);
return result.Passed ? 0 : 1;
