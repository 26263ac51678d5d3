namespace Broker.Protocol.Generator.Model;

/// <summary>One request or response definition file.</summary>
public sealed class MessageSpec
{
    public required short ApiKey { get; init; }

    public required string ApiName { get; init; }

    public required bool IsRequest { get; init; }

    public required string Name { get; init; }

    public required VersionRange ValidVersions { get; init; }

    public required VersionRange FlexibleVersions { get; init; }

    public required IReadOnlyList<FieldSpec> Fields { get; init; }

    public IReadOnlyList<StructSpec> CommonStructs { get; init; } = [];

    public string? About { get; init; }

    public string SourceFile { get; init; } = string.Empty;
}
