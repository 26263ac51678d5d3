using System.Collections;
using System.Reflection;

namespace Broker.Protocol.Tests.TestSupport;

/// <summary>
/// Builds sample messages by reflection over the generated [ProtocolField] metadata: every field present in the
/// requested version gets a non-default value; fields absent in that version keep their defaults.
/// </summary>
internal static class MessageSamples
{
    public static IEnumerable<Type> MessageTypes() =>
        typeof(IKafkaMessage).Assembly.GetTypes()
            .Where(t => t.Namespace == "Broker.Protocol.Messages" && typeof(IKafkaMessage).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    public static (short Min, short Max) Versions(Type messageType) =>
        ((short)messageType.GetField("MinVersion")!.GetValue(null)!, (short)messageType.GetField("MaxVersion")!.GetValue(null)!);

    public static object Create(Type type, short version)
    {
        var seed = 1;
        return CreateStruct(type, version, ref seed);
    }

    public static IEnumerable<PropertyInfo> Fields(Type type) =>
        type.GetProperties().Where(p => p.GetCustomAttribute<ProtocolFieldAttribute>() is not null);

    private static object CreateStruct(Type type, short version, ref int seed)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in Fields(type))
        {
            if (property.GetCustomAttribute<ProtocolFieldAttribute>()!.Contains(version))
            {
                property.SetValue(instance, Value(property.PropertyType, property.GetValue(instance), version, ref seed));
            }
        }

        return instance;
    }

    private static object Value(Type type, object? current, short version, ref int seed)
    {
        seed++;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(sbyte))
        {
            return (sbyte)(seed % 100 + 1);
        }

        if (underlying == typeof(short))
        {
            return (short)(seed + 100);
        }

        if (underlying == typeof(ushort))
        {
            return (ushort)(seed + 100);
        }

        if (underlying == typeof(int))
        {
            return seed + 1000;
        }

        if (underlying == typeof(uint))
        {
            return (uint)(seed + 1000);
        }

        if (underlying == typeof(long))
        {
            return seed + 10_000_000_000L;
        }

        if (underlying == typeof(double))
        {
            return seed + 0.5;
        }

        if (underlying == typeof(bool))
        {
            return !(bool)(current ?? false);
        }

        if (underlying == typeof(string))
        {
            return $"s{seed}";
        }

        if (underlying == typeof(KafkaUuid))
        {
            return new KafkaUuid(seed, seed * 31L + 7);
        }

        if (underlying == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>([1, 2, (byte)seed]);
        }

        if (underlying == typeof(RecordSet))
        {
            return new RecordSet(new byte[] { 0, 0, 0, 9, (byte)seed });
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(underlying)!;
            var element = underlying.GetGenericArguments()[0];
            for (var i = 0; i < 2; i++)
            {
                list.Add(element.IsClass && element != typeof(string) ? CreateStruct(element, version, ref seed) : Value(element, null, version, ref seed));
            }

            return list;
        }

        if (underlying.IsClass)
        {
            return CreateStruct(underlying, version, ref seed);
        }

        throw new NotSupportedException(type.FullName);
    }

    /// <summary>Deep equality over [ProtocolField] properties; returns the path of the first difference.</summary>
    public static string? Difference(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: {expected ?? "null"} vs {actual ?? "null"}";
        }

        switch (expected)
        {
            case ReadOnlyMemory<byte> bytes:
                return bytes.Span.SequenceEqual(((ReadOnlyMemory<byte>)actual).Span) ? null : $"{path}: bytes differ";
            case RecordSet records:
                return records.Memory.Span.SequenceEqual(((RecordSet)actual).Memory.Span) ? null : $"{path}: records differ";
            case string or ValueType:
                return Equals(expected, actual) ? null : $"{path}: {expected} vs {actual}";
            case IList list:
                var other = (IList)actual;
                if (list.Count != other.Count)
                {
                    return $"{path}: count {list.Count} vs {other.Count}";
                }

                for (var i = 0; i < list.Count; i++)
                {
                    if (Difference(list[i], other[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            default:
                foreach (var property in Fields(expected.GetType()))
                {
                    if (Difference(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}") is { } d)
                    {
                        return d;
                    }
                }

                return null;
        }
    }
}
