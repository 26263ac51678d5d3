using Broker.Protocol.Generator.Model;

namespace Broker.Protocol.Generator;

/// <summary>Emission of the instance <c>Write</c> method.</summary>
public sealed partial class MessageEmitter
{
    private void EmitWrite(CodeWriter w, IReadOnlyList<FieldSpec> fields, VersionRange context)
    {
        w.Line("/// <summary>");
        w.Line("/// Writes this struct as encoded in <paramref name=\"version\"/>. Fields that do not exist in that version are");
        w.Line("/// silently skipped, whatever their value; a null where the version allows none is written as empty.");
        w.Line("/// </summary>");
        w.Open("public void Write(ref global::Broker.Protocol.KafkaWriter writer, short version)");
        if (UsesFlexible(fields, context))
        {
            w.Line($"var flexible = {_message.FlexibleVersions.Condition(context)};");
        }

        foreach (var field in fields.Where(f => !f.IsTagged))
        {
            var range = FieldRange(field, context);
            var condition = field.Versions.Condition(context);
            if (condition == "true")
            {
                EmitWriteField(w, field, range, "writer");
            }
            else
            {
                w.Open($"if ({condition})");
                EmitWriteField(w, field, range, "writer");
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
                w.Line("writer.WriteEmptyTaggedFields();");
            }
            else
            {
                w.Line("var tagCount = 0;");
                foreach (var field in tagged)
                {
                    w.Open($"if ({TaggedCondition(field, context, flexibleContext)})");
                    w.Line("tagCount++;");
                    w.Close();
                }

                w.Line();
                w.Line("writer.WriteUnsignedVarInt((uint)tagCount);");
                foreach (var field in tagged)
                {
                    w.Open($"if ({TaggedCondition(field, context, flexibleContext)})");
                    w.Line("using var scratch = new global::Broker.Protocol.PooledBufferWriter();");
                    w.Line("var tagWriter = new global::Broker.Protocol.KafkaWriter(scratch);");
                    EmitWriteField(w, field, FieldRange(field, context), "tagWriter");
                    w.Line($"writer.WriteTaggedField({field.Tag}, scratch.WrittenSpan);");
                    w.Close();
                }
            }

            w.Close();
        }

        w.Close();
    }

    private string TaggedCondition(FieldSpec field, VersionRange context, VersionRange flexibleContext)
    {
        var condition = FieldRange(field, context).Condition(flexibleContext);
        return condition == "true" ? NonDefault(field) : $"{condition} && {NonDefault(field)}";
    }

    private void EmitWriteField(CodeWriter w, FieldSpec field, VersionRange range, string writer)
    {
        var p = field.PropertyName;
        var type = field.Type;
        var nullable = field.NullableVersions.Intersect(range);
        switch (type.Kind)
        {
            case TypeKind.String:
                if (nullable.IsEmpty)
                {
                    w.Line($"{writer}.WriteString({p}, flexible);");
                }
                else if (nullable.Contains(range))
                {
                    w.Line($"{writer}.WriteNullableString({p}, flexible);");
                }
                else
                {
                    w.Open($"if ({field.NullableVersions.Condition(range)})");
                    w.Line($"{writer}.WriteNullableString({p}, flexible);");
                    w.Close();
                    w.Open("else");
                    w.Line($"{writer}.WriteString({p}, flexible);");
                    w.Close();
                }

                return;
            case TypeKind.Bytes:
                var span = IsNullableProperty(field) ? $"({p} ?? default).Span" : $"{p}.Span";
                if (nullable.IsEmpty)
                {
                    w.Line($"{writer}.WriteBytes({span}, flexible);");
                }
                else if (nullable.Contains(range))
                {
                    w.Line($"{writer}.WriteNullableBytes({p}, flexible);");
                }
                else
                {
                    w.Open($"if ({field.NullableVersions.Condition(range)})");
                    w.Line($"{writer}.WriteNullableBytes({p}, flexible);");
                    w.Close();
                    w.Open("else");
                    w.Line($"{writer}.WriteBytes({span}, flexible);");
                    w.Close();
                }

                return;
            case TypeKind.Records:
                w.Line($"{writer}.WriteRecords({p}, flexible);");
                return;
            case TypeKind.Struct:
                w.Line(field.IsTagged ? $"{p}!.Write(ref {writer}, version);" : $"{p}.Write(ref {writer}, version);");
                return;
            case TypeKind.Array:
                EmitWriteArray(w, field, range, writer, nullable);
                return;
            default:
                w.Line($"{writer}.{ElementWrite(type, p, writer)};");
                return;
        }
    }

    private void EmitWriteArray(CodeWriter w, FieldSpec field, VersionRange range, string writer, VersionRange nullable)
    {
        var p = field.PropertyName;
        if (IsNullableProperty(field))
        {
            var nullCount = nullable.IsEmpty ? "0" : nullable.Contains(range) ? "-1" : $"({field.NullableVersions.Condition(range)}) ? -1 : 0";
            w.Open($"if ({p} is null)");
            w.Line($"{writer}.WriteArrayLength({nullCount}, flexible);");
            w.Close();
            w.Open("else");
        }
        else
        {
            w.Block();
        }

        w.Line($"{writer}.WriteArrayLength({p}.Count, flexible);");
        w.Open($"foreach (var item in {p})");
        var element = field.Type.Element!;
        w.Line(element.IsStruct ? $"item.Write(ref {writer}, version);" : $"{writer}.{ElementWrite(element, "item", writer)};");
        w.Close();
        w.Close();
    }

    private static string ElementWrite(FieldType type, string value, string writer) => type.Kind switch
    {
        TypeKind.Int8 => $"WriteInt8({value})",
        TypeKind.Int16 => $"WriteInt16({value})",
        TypeKind.Int32 => $"WriteInt32({value})",
        TypeKind.Int64 => $"WriteInt64({value})",
        TypeKind.UInt16 => $"WriteUInt16({value})",
        TypeKind.UInt32 => $"WriteUInt32({value})",
        TypeKind.Float64 => $"WriteFloat64({value})",
        TypeKind.Bool => $"WriteBool({value})",
        TypeKind.Uuid => $"WriteUuid({value})",
        TypeKind.String => $"WriteString({value}, flexible)",
        TypeKind.Bytes => $"WriteBytes({value}.Span, flexible)",
        _ => throw new FormatException($"Unsupported element type {type.Kind} for {writer}."),
    };
}
