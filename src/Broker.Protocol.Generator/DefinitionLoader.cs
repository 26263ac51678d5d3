using System.Text.Json;
using Broker.Protocol.Generator.Model;

namespace Broker.Protocol.Generator;

/// <summary>Parses our JSON definition format (see Definitions/README.md) into specs.</summary>
public static class DefinitionLoader
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static MessageSpec LoadMessage(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), Options);
        var root = document.RootElement;
        var name = Required(root, "name").GetString()!;
        var type = Required(root, "type").GetString();
        var isRequest = type switch
        {
            "request" => true,
            "response" => false,
            _ => throw new FormatException($"{path}: type must be request or response, not '{type}'."),
        };
        var suffix = isRequest ? "Request" : "Response";
        if (!name.EndsWith(suffix, StringComparison.Ordinal))
        {
            throw new FormatException($"{path}: a {type} name must end with '{suffix}'.");
        }

        var common = new List<StructSpec>();
        if (root.TryGetProperty("commonStructs", out var structs))
        {
            foreach (var s in structs.EnumerateArray())
            {
                common.Add(new StructSpec(Required(s, "name").GetString()!, ParseFields(s, path), VersionRange.All));
            }
        }

        return new MessageSpec
        {
            ApiKey = Required(root, "apiKey").GetInt16(),
            ApiName = name[..^suffix.Length],
            IsRequest = isRequest,
            Name = name,
            ValidVersions = VersionRange.Parse(Required(root, "validVersions").GetString()),
            FlexibleVersions = VersionRange.Parse(Required(root, "flexibleVersions").GetString()),
            Fields = ParseFields(root, path),
            CommonStructs = common,
            About = root.TryGetProperty("about", out var about) ? about.GetString() : null,
            SourceFile = Path.GetFileName(path),
        };
    }

    public static IReadOnlyList<ErrorSpec> LoadErrors(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), Options);
        return Required(document.RootElement, "errors").EnumerateArray()
            .Select(e => new ErrorSpec(
                Required(e, "code").GetInt16(),
                Required(e, "name").GetString()!,
                Required(e, "message").GetString()!,
                Required(e, "retriable").GetBoolean()))
            .ToList();
    }

    private static List<FieldSpec> ParseFields(JsonElement owner, string path)
    {
        var result = new List<FieldSpec>();
        if (!owner.TryGetProperty("fields", out var fields))
        {
            return result;
        }

        foreach (var f in fields.EnumerateArray())
        {
            var name = Required(f, "name").GetString()!;
            try
            {
                result.Add(new FieldSpec
                {
                    Name = name,
                    Type = FieldType.Parse(Required(f, "type").GetString()!),
                    Versions = VersionRange.Parse(Required(f, "versions").GetString()),
                    NullableVersions = VersionRange.Parse(OptionalString(f, "nullableVersions")),
                    Default = f.TryGetProperty("default", out var d) ? d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText() : null,
                    Ignorable = f.TryGetProperty("ignorable", out var ig) && ig.GetBoolean(),
                    Tag = f.TryGetProperty("tag", out var tag) ? tag.GetInt32() : null,
                    TaggedVersions = VersionRange.Parse(OptionalString(f, "taggedVersions")),
                    About = OptionalString(f, "about"),
                    Fields = f.TryGetProperty("fields", out _) ? ParseFields(f, path) : null,
                });
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException)
            {
                throw new FormatException($"{path}: field '{name}': {e.Message}", e);
            }
        }

        return result;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static JsonElement Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : throw new KeyNotFoundException($"missing '{name}'");
}
