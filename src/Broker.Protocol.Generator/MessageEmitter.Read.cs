using Broker.Protocol.Generator.Model;

namespace Broker.Protocol.Generator;

/// <summary>Emission of the static <c>Read</c> method.</summary>
public sealed partial class MessageEmitter
{
    private void EmitRead(CodeWriter w, string className, IReadOnlyList<FieldSpec> fields, VersionRange context)
    {
        w.Line("/// <summary>Reads this struct as encoded in <paramref name=\"version\"/>; fields absent in that version keep their defaults.</summary>");
        w.Open($"public static {className} Read(ref global::Broker.Protocol.KafkaReader reader, short version)");
        if (UsesFlexible(fields, context))
        {
            w.Line($"var flexible = {_message.FlexibleVersions.Condition(context)};");
        }

        w.Line($"var result = new {className}();");
        foreach (var field in fields.Where(f => !f.IsTagged))
        {
            var range = FieldRange(field, context);
            var condition = field.Versions.Condition(context);
            if (condition == "true")
            {
                EmitReadField(w, field, range, $"result.{field.PropertyName}");
            }
            else
            {
                w.Open($"if ({condition})");
                EmitReadField(w, field, range, $"result.{field.PropertyName}");
                w.Close();
            }
        }

        var tagged = fields.Where(f => f.IsTagged).OrderBy(f => f.Tag).ToList();
        var flexibleContext = context.Intersect(_message.FlexibleVersions);
        if (!flexibleContext.IsEmpty)
        {
            w.Open("if (flexible)");
            if (tagged.Count == 0)
            {
                w.Line("reader.SkipTaggedFields();");
            }
            else
            {
                w.Line("var tagCount = reader.ReadTaggedFieldCount();");
                w.Open("for (var tagIndex = 0; tagIndex < tagCount; tagIndex++)");
                w.Line("reader.ReadTaggedFieldHeader(out var tag, out var size);");
                w.Line("var end = reader.Position + size;");
                w.Open("switch (tag)");
                foreach (var field in tagged)
                {
                    w.Line($"case {field.Tag}:");
                    w.Line("{");
                    var range = FieldRange(field, context);
                    var condition = range.Condition(flexibleContext);
                    if (condition == "true")
                    {
                        EmitReadField(w, field, range, $"result.{field.PropertyName}", indentBlock: true);
                    }
                    else
                    {
                        w.Line($"    if ({condition})");
                        w.Line("    {");
                        EmitReadField(w, field, range, $"result.{field.PropertyName}", indentBlock: true, extraIndent: 2);
                        w.Line("    }");
                        w.Line("    else");
                        w.Line("    {");
                        w.Line("        reader.Skip(size);");
                        w.Line("    }");
                    }

                    w.Line("    break;");
                    w.Line("}");
                }

                w.Line("default:");
                w.Line("    reader.Skip(size);");
                w.Line("    break;");
                w.Close();
                w.Line();
                w.Line("reader.EnsurePosition(end);");
                w.Close();
            }

            w.Close();
        }

        w.Line();
        w.Line("return result;");
        w.Close();
    }

    private void EmitReadField(CodeWriter w, FieldSpec field, VersionRange range, string target, bool indentBlock = false, int extraIndent = 1)
    {
        var pad = indentBlock ? new string(' ', 4 * extraIndent) : string.Empty;
        var type = field.Type;
        if (!type.IsArray)
        {
            w.Line($"{pad}{target} = {ReadExpression(type, field, range)};");
            return;
        }

        var nullable = field.NullableVersions.Intersect(range);
        w.Line($"{pad}var {Local(field)}Count = reader.ReadArrayLength(flexible);");
        w.Line($"{pad}if ({Local(field)}Count < 0)");
        w.Line($"{pad}{{");
        if (nullable.IsEmpty)
        {
            w.Line($"{pad}    throw new global::Broker.Protocol.ProtocolException(\"{_message.Name}.{field.PropertyName} must not be null.\");");
        }
        else
        {
            if (!nullable.Contains(range))
            {
                w.Line($"{pad}    if (!({field.NullableVersions.Condition(range)}))");
                w.Line($"{pad}    {{");
                w.Line($"{pad}        throw new global::Broker.Protocol.ProtocolException(\"{_message.Name}.{field.PropertyName} must not be null in version \" + version + \".\");");
                w.Line($"{pad}    }}");
                w.Line();
            }

            w.Line($"{pad}    {target} = null;");
        }

        w.Line($"{pad}}}");
        w.Line($"{pad}else");
        w.Line($"{pad}{{");
        var list = Local(field) + "List";
        w.Line($"{pad}    var {list} = new {ClrType(type)}({Local(field)}Count);");
        w.Line($"{pad}    for (var i = 0; i < {Local(field)}Count; i++)");
        w.Line($"{pad}    {{");
        w.Line($"{pad}        {list}.Add({ElementReadExpression(type.Element!)});");
        w.Line($"{pad}    }}");
        w.Line();
        w.Line($"{pad}    {target} = {list};");
        w.Line($"{pad}}}");
    }

    private static string Local(FieldSpec field) => char.ToLowerInvariant(field.PropertyName[0]) + field.PropertyName[1..];

    private string ReadExpression(FieldType type, FieldSpec field, VersionRange range)
    {
        switch (type.Kind)
        {
            case TypeKind.String:
            case TypeKind.Bytes:
                var kind = type.Kind == TypeKind.String ? "String" : "Bytes";
                var nullable = field.NullableVersions.Intersect(range);
                if (nullable.IsEmpty)
                {
                    return $"reader.Read{kind}(flexible)";
                }

                if (nullable.Contains(range))
                {
                    return $"reader.ReadNullable{kind}(flexible)";
                }

                return $"({field.NullableVersions.Condition(range)}) ? reader.ReadNullable{kind}(flexible) : reader.Read{kind}(flexible)";
            case TypeKind.Records:
                return "reader.ReadRecords(flexible)";
            default:
                return ElementReadExpression(type);
        }
    }

    private static string ElementReadExpression(FieldType type) => type.Kind switch
    {
        TypeKind.Int8 => "reader.ReadInt8()",
        TypeKind.Int16 => "reader.ReadInt16()",
        TypeKind.Int32 => "reader.ReadInt32()",
        TypeKind.Int64 => "reader.ReadInt64()",
        TypeKind.UInt16 => "reader.ReadUInt16()",
        TypeKind.UInt32 => "reader.ReadUInt32()",
        TypeKind.Float64 => "reader.ReadFloat64()",
        TypeKind.Bool => "reader.ReadBool()",
        TypeKind.Uuid => "reader.ReadUuid()",
        TypeKind.String => "reader.ReadString(flexible)",
        TypeKind.Bytes => "reader.ReadBytes(flexible)",
        TypeKind.Records => "reader.ReadRecords(flexible)",
        TypeKind.Struct => $"{type.StructName}.Read(ref reader, version)",
        _ => throw new FormatException($"Unsupported element type {type.Kind}."),
    };
}
