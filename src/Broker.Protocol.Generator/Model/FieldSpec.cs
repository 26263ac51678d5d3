namespace Broker.Protocol.Generator.Model;

/// <summary>One field of a message or struct, as written in a definition file.</summary>
public sealed class FieldSpec
{
    public required string Name { get; init; }

    public required FieldType Type { get; init; }

    public required VersionRange Versions { get; init; }

    public VersionRange NullableVersions { get; init; } = VersionRange.None;

    public string? Default { get; init; }

    public bool Ignorable { get; init; }

    public int? Tag { get; init; }

    public VersionRange TaggedVersions { get; init; } = VersionRange.None;

    public string? About { get; init; }

    /// <summary>Nested fields when this field declares its struct inline.</summary>
    public IReadOnlyList<FieldSpec>? Fields { get; init; }

    /// <summary>PascalCase property name derived from the snake_case field name.</summary>
    public string PropertyName => Naming.ToPascalCase(Name);

    public bool IsTagged => Tag is not null;
}
