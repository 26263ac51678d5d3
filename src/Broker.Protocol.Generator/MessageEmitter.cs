using System.Security;
using System.Text.Json;
using Broker.Protocol.Generator.Model;

namespace Broker.Protocol.Generator;

/// <summary>
/// Emits one message class with its nested struct classes. Every struct is emitted as a nested class of the
/// message (flat, so struct names must be unique within a message) with a static <c>Read</c> and an instance
/// <c>Write</c> taking the message version. Version checks are emitted relative to the versions in which the
/// struct can occur, so the output only tests the bounds that matter.
/// </summary>
public sealed partial class MessageEmitter
{
    private readonly MessageSpec _message;
    private readonly Dictionary<string, StructSpec> _structs = new(StringComparer.Ordinal);
    private readonly List<string> _structOrder = [];

    public MessageEmitter(MessageSpec message)
    {
        _message = message;
        CollectStructs(message.Fields, message.ValidVersions);
    }

    public string Emit()
    {
        var w = new CodeWriter();
        w.Line(CodeWriter.Header().TrimEnd('\n'));
        w.Line();
        w.Line("namespace Broker.Protocol.Messages;");
        w.Line();
        Summary(w, _message.About ?? $"{_message.Name} (api key {_message.ApiKey}), versions {_message.ValidVersions}, flexible {_message.FlexibleVersions}.");
        var kind = _message.IsRequest ? "IKafkaRequest" : "IKafkaResponse";
        w.Open($"public sealed class {_message.Name} : global::Broker.Protocol.{kind}");
        w.Line($"public const short MinVersion = {_message.ValidVersions.Min};");
        w.Line();
        w.Line($"public const short MaxVersion = {_message.ValidVersions.Max};");
        w.Line();
        w.Line($"public global::Broker.Protocol.ApiKey ApiKey => global::Broker.Protocol.ApiKey.{_message.ApiName};");
        w.Line();
        EmitMembers(w, new StructSpec(_message.Name, _message.Fields, _message.ValidVersions), isMessage: true);
        foreach (var name in _structOrder)
        {
            w.Line();
            var spec = _structs[name];
            Summary(w, $"The {name} struct (present in versions {spec.Versions}).");
            w.Open($"public sealed class {name}");
            EmitMembers(w, spec, isMessage: false);
            w.Close();
        }

        w.Close();
        return w.ToString();
    }

    private void CollectStructs(IReadOnlyList<FieldSpec> fields, VersionRange context)
    {
        foreach (var field in fields)
        {
            var type = field.Type.IsArray ? field.Type.Element! : field.Type;
            if (field.Type.IsArray && type.IsArray)
            {
                throw new FormatException($"{_message.SourceFile}: nested arrays are not supported ({field.Name}).");
            }

            if (!type.IsStruct)
            {
                continue;
            }

            var fieldContext = field.Versions.Intersect(context);
            var name = type.StructName!;
            var structFields = field.Fields ?? _message.CommonStructs.FirstOrDefault(s => s.Name == name)?.Fields
                ?? throw new FormatException($"{_message.SourceFile}: struct '{name}' has no fields and is not a common struct.");
            if (_structs.TryGetValue(name, out var existing))
            {
                if (field.Fields is not null && !ReferenceEquals(existing.Fields, structFields))
                {
                    throw new FormatException($"{_message.SourceFile}: struct name '{name}' is declared twice.");
                }

                var hull = new VersionRange(Math.Min(existing.Versions.Min, fieldContext.Min), Math.Max(existing.Versions.Max, fieldContext.Max));
                _structs[name] = existing with { Versions = hull };
            }
            else
            {
                if (name == _message.Name || _message.Fields.Any(f => f.PropertyName == name))
                {
                    throw new FormatException($"{_message.SourceFile}: struct name '{name}' clashes with a member of the message.");
                }

                _structs[name] = new StructSpec(name, structFields, fieldContext);
                _structOrder.Add(name);
            }

            CollectStructs(structFields, fieldContext);
        }
    }

    private void EmitMembers(CodeWriter w, StructSpec spec, bool isMessage)
    {
        var context = spec.Versions;
        var present = spec.Fields.Where(f => !FieldRange(f, context).IsEmpty).ToList();
        foreach (var field in present)
        {
            if (field.PropertyName == spec.Name)
            {
                throw new FormatException($"{_message.SourceFile}: field '{field.Name}' has the name of its struct.");
            }

            EmitProperty(w, field, context);
        }

        var className = isMessage ? _message.Name : spec.Name;
        EmitRead(w, className, present, context);
        w.Line();
        EmitWrite(w, present, context);
    }

    /// <summary>Versions in which the field is on the wire within the given struct context.</summary>
    private VersionRange FieldRange(FieldSpec field, VersionRange context)
    {
        var range = field.Versions.Intersect(context);
        return field.IsTagged ? range.Intersect(field.TaggedVersions).Intersect(_message.FlexibleVersions) : range;
    }

    private void EmitProperty(CodeWriter w, FieldSpec field, VersionRange context)
    {
        var range = FieldRange(field, context);
        var about = field.About ?? field.Name;
        Summary(w, $"{about} (versions {range}{(field.IsTagged ? $", tag {field.Tag}" : string.Empty)}).");
        var tag = field.IsTagged ? $", Tag = {field.Tag}" : string.Empty;
        w.Line($"[global::Broker.Protocol.ProtocolField({range.Min}, {range.Max}{tag})]");
        var initializer = Initializer(field);
        w.Line($"public {PropertyType(field)} {field.PropertyName} {{ get; set; }}{(initializer is null ? string.Empty : $" = {initializer};")}");
        w.Line();
    }

    private static bool IsNullableProperty(FieldSpec field) =>
        !field.NullableVersions.IsEmpty || field.Default == "null" || field.Type.Kind == TypeKind.Records
        || (field.Type.IsStruct && field.IsTagged);

    private static string PropertyType(FieldSpec field)
    {
        var type = ClrType(field.Type);
        return IsNullableProperty(field) ? type + "?" : type;
    }

    private static string ClrType(FieldType type) => type.Kind switch
    {
        TypeKind.Int8 => "sbyte",
        TypeKind.Int16 => "short",
        TypeKind.Int32 => "int",
        TypeKind.Int64 => "long",
        TypeKind.UInt16 => "ushort",
        TypeKind.UInt32 => "uint",
        TypeKind.Float64 => "double",
        TypeKind.Bool => "bool",
        TypeKind.Uuid => "global::Broker.Protocol.KafkaUuid",
        TypeKind.String => "string",
        TypeKind.Bytes => "global::System.ReadOnlyMemory<byte>",
        TypeKind.Records => "global::Broker.Protocol.RecordSet",
        TypeKind.Struct => type.StructName!,
        TypeKind.Array => $"global::System.Collections.Generic.List<{ClrType(type.Element!)}>",
        _ => throw new InvalidOperationException(type.Kind.ToString()),
    };

    /// <summary>The C# literal of the field's schema default, or null when it equals the CLR default.</summary>
    private static string? Initializer(FieldSpec field)
    {
        var type = field.Type;
        if (type.IsNumeric)
        {
            return field.Default is null or "0" ? null : field.Default.ToLowerInvariant();
        }

        switch (type.Kind)
        {
            case TypeKind.Bool:
                return field.Default == "true" ? "true" : null;
            case TypeKind.String:
                return field.Default == "null" ? null : JsonSerializer.Serialize(field.Default ?? string.Empty);
            case TypeKind.Array:
                return field.Default == "null" ? null : "new()";
            case TypeKind.Struct:
                return field.IsTagged ? null : "new()";
            default:
                return null;
        }
    }

    /// <summary>Expression comparing the property to its default; used to decide whether to write a tagged field.</summary>
    private static string NonDefault(FieldSpec field)
    {
        var p = field.PropertyName;
        var type = field.Type;
        if (type.IsNumeric || type.Kind == TypeKind.Bool)
        {
            return $"{p} != {Initializer(field) ?? (type.Kind == TypeKind.Bool ? "false" : "0")}";
        }

        return type.Kind switch
        {
            TypeKind.Uuid => $"{p} != global::Broker.Protocol.KafkaUuid.Zero",
            TypeKind.String => $"!string.Equals({p}, {Initializer(field) ?? "null"}, global::System.StringComparison.Ordinal)",
            TypeKind.Bytes => IsNullableProperty(field) ? $"{p} is not null" : $"!{p}.IsEmpty",
            TypeKind.Array => field.Default == "null" ? $"{p} is not null" : $"{p} is {{ Count: > 0 }}",
            _ => $"{p} is not null",
        };
    }

    /// <summary>Whether the emitted Read/Write of a struct refer to the <c>flexible</c> local.</summary>
    private bool UsesFlexible(IReadOnlyList<FieldSpec> fields, VersionRange context) =>
        !context.Intersect(_message.FlexibleVersions).IsEmpty
        || fields.Any(f => f.Type.CanBeNull || (f.Type.IsArray && f.Type.Element!.CanBeNull));

    private static void Summary(CodeWriter w, string text) =>
        w.Line($"/// <summary>{SecurityElement.Escape(text)}</summary>");
}
