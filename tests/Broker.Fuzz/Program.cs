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

var result = await FuzzRunner.RunAsync(options, Console.Out);
return result.Passed ? 0 : 1;
