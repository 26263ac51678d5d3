namespace Broker.Protocol.Generator.Model;

/// <summary>A struct type: the message itself, an inline struct, or a common struct.</summary>
public sealed record StructSpec(string Name, IReadOnlyList<FieldSpec> Fields, VersionRange Versions);
