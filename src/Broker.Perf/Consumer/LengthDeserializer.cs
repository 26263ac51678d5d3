using Confluent.Kafka;

namespace Broker.Perf.Consumer;

/// <summary>
/// "Deserializes" a key or value to its length in bytes (0 for null): the perf consumer only counts bytes, so no
/// array is allocated or copied per record. Thread-safety: stateless.
/// </summary>
internal sealed class LengthDeserializer : IDeserializer<int>
{
    public static readonly LengthDeserializer Instance = new();

    public int Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull ? 0 : data.Length;
}
