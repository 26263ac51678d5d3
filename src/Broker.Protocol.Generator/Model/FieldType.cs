namespace Broker.Protocol.Generator.Model;

/// <summary>Kinds of field types in a definition.</summary>
public enum TypeKind
{
    Int8,
    Int16,
    Int32,
    Int64,
    UInt16,
    UInt32,
    Float64,
    Bool,
    Uuid,
    String,
    Bytes,
    Records,
    Struct,
    Array,
}

/// <summary>A parsed field type: a primitive, a struct name, or an array ("[]T") of either.</summary>
public sealed record FieldType(TypeKind Kind, string? StructName = null, FieldType? Element = null)
{
    public static FieldType Parse(string text)
    {
        if (text.StartsWith("[]", StringComparison.Ordinal))
        {
            return new FieldType(TypeKind.Array, Element: Parse(text[2..]));
        }

        return text switch
        {
            "int8" => new FieldType(TypeKind.Int8),
            "int16" => new FieldType(TypeKind.Int16),
            "int32" => new FieldType(TypeKind.Int32),
            "int64" => new FieldType(TypeKind.Int64),
            "uint16" => new FieldType(TypeKind.UInt16),
            "uint32" => new FieldType(TypeKind.UInt32),
            "float64" => new FieldType(TypeKind.Float64),
            "bool" => new FieldType(TypeKind.Bool),
            "uuid" => new FieldType(TypeKind.Uuid),
            "string" => new FieldType(TypeKind.String),
            "bytes" => new FieldType(TypeKind.Bytes),
            "records" => new FieldType(TypeKind.Records),
            _ when text.Length > 0 && char.IsUpper(text[0]) => new FieldType(TypeKind.Struct, StructName: text),
            _ => throw new FormatException($"Unknown field type '{text}'."),
        };
    }

    public bool IsArray => Kind == TypeKind.Array;

    public bool IsStruct => Kind == TypeKind.Struct;

    public bool IsNumeric => Kind is TypeKind.Int8 or TypeKind.Int16 or TypeKind.Int32 or TypeKind.Int64
        or TypeKind.UInt16 or TypeKind.UInt32 or TypeKind.Float64;

    /// <summary>Whether the schema allows a null for this type (strings, bytes, records, arrays).</summary>
    public bool CanBeNull => Kind is TypeKind.String or TypeKind.Bytes or TypeKind.Records or TypeKind.Array;
}
