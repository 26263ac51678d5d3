using Broker.Protocol.Generator.Model;

namespace Broker.Protocol.Generator;

/// <summary>
/// Library entry point of the generator: turns Definitions/*.json into the contents of Generated/*.g.cs.
/// Pure apart from reading the definitions, so tests can run it in-process and compare with the checked-in files.
/// </summary>
public static class CodeGenerator
{
    public const string ErrorsFile = "Errors.json";

    /// <summary>Generates every output file: file name (no directory) to content.</summary>
    public static SortedDictionary<string, string> Generate(string definitionsDirectory)
    {
        var messages = Directory.GetFiles(definitionsDirectory, "*.json")
            .Where(f => Path.GetFileName(f) != ErrorsFile)
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(DefinitionLoader.LoadMessage)
            .ToList();
        var output = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            output[$"{message.Name}.g.cs"] = new MessageEmitter(message).Emit();
        }

        var apis = BuildApis(messages);
        output["ApiKey.g.cs"] = TableEmitter.ApiKeys(apis);
        output["ApiDefinitions.g.cs"] = TableEmitter.ApiDefinitions(apis);
        output["RequestReader.g.cs"] = TableEmitter.Reader(apis, requests: true);
        output["ResponseReader.g.cs"] = TableEmitter.Reader(apis, requests: false);
        var errorsPath = Path.Combine(definitionsDirectory, ErrorsFile);
        if (File.Exists(errorsPath))
        {
            output["ErrorCode.g.cs"] = TableEmitter.Errors(DefinitionLoader.LoadErrors(errorsPath));
        }

        return output;
    }

    /// <summary>Differences between the generated output and the *.g.cs files in <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyDictionary<string, string> generated, string outputDirectory)
    {
        var problems = new List<string>();
        foreach (var (name, content) in generated)
        {
            var path = Path.Combine(outputDirectory, name);
            if (!File.Exists(path))
            {
                problems.Add($"missing: {name}");
            }
            else if (File.ReadAllText(path) != content)
            {
                problems.Add($"stale: {name}");
            }
        }

        foreach (var path in ExistingOutputs(outputDirectory))
        {
            if (!generated.ContainsKey(Path.GetFileName(path)))
            {
                problems.Add($"obsolete: {Path.GetFileName(path)}");
            }
        }

        return problems;
    }

    /// <summary>Writes changed files and deletes generated files that are no longer produced.</summary>
    public static void Write(IReadOnlyDictionary<string, string> generated, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        foreach (var (name, content) in generated)
        {
            var path = Path.Combine(outputDirectory, name);
            if (!File.Exists(path) || File.ReadAllText(path) != content)
            {
                File.WriteAllText(path, content);
            }
        }

        foreach (var path in ExistingOutputs(outputDirectory))
        {
            if (!generated.ContainsKey(Path.GetFileName(path)))
            {
                File.Delete(path);
            }
        }
    }

    private static IEnumerable<string> ExistingOutputs(string outputDirectory) =>
        Directory.Exists(outputDirectory) ? Directory.GetFiles(outputDirectory, "*.g.cs") : [];

    private static List<ApiSpec> BuildApis(List<MessageSpec> messages)
    {
        var apis = new List<ApiSpec>();
        foreach (var group in messages.GroupBy(m => m.ApiKey).OrderBy(g => g.Key))
        {
            var request = group.SingleOrDefault(m => m.IsRequest)
                ?? throw new FormatException($"api key {group.Key} has no request definition.");
            var response = group.SingleOrDefault(m => !m.IsRequest)
                ?? throw new FormatException($"api key {group.Key} has no response definition.");
            if (request.ApiName != response.ApiName || request.ValidVersions != response.ValidVersions
                || request.FlexibleVersions != response.FlexibleVersions)
            {
                throw new FormatException($"{request.SourceFile} and {response.SourceFile} disagree on name or versions.");
            }

            apis.Add(new ApiSpec(group.Key, request.ApiName, request.ValidVersions, request.FlexibleVersions));
        }

        return apis;
    }
}
