using Broker.Protocol.Generator;

// Usage: dotnet run --project src/Broker.Protocol.Generator -- [--check] [--root <repository root>]
// Regenerates src/Broker.Protocol/Generated from src/Broker.Protocol/Definitions; --check only compares and exits 1 if stale.
var check = args.Contains("--check");
var rootIndex = Array.IndexOf(args, "--root");
var root = rootIndex >= 0 && rootIndex + 1 < args.Length ? args[rootIndex + 1] : RepositoryRoot.Find(Directory.GetCurrentDirectory());
var definitions = Path.Combine(root, "src", "Broker.Protocol", "Definitions");
var output = Path.Combine(root, "src", "Broker.Protocol", "Generated");
try
{
    var generated = CodeGenerator.Generate(definitions);
    if (check)
    {
        var problems = CodeGenerator.Compare(generated, output);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine(problem);
        }

        Console.WriteLine(problems.Count == 0 ? "Generated code is up to date." : "Generated code is stale; run the generator.");
        return problems.Count == 0 ? 0 : 1;
    }

    CodeGenerator.Write(generated, output);
    Console.WriteLine($"Wrote {generated.Count} files to {output}.");
    return 0;
}
catch (FormatException e)
{
    Console.Error.WriteLine($"Definition error: {e.Message}");
    return 2;
}
