using System.Buffers.Binary;
using Confluent.Kafka;

namespace Broker.Perf.Latency;

/// <summary>The intended send time (Stopwatch ticks) and sequence number carried in the first 16 payload bytes.</summary>
internal readonly record struct Stamp(long SendTicks, long Sequence);

/// <summary>
/// Reads a <see cref="Stamp"/> from a value without copying it. Both ends run in one process, so Stopwatch ticks are
/// comparable. Thread-safety: stateless.
/// </summary>
internal sealed class StampDeserializer : IDeserializer<Stamp>
{
    public const int StampBytes = 16;

    public static readonly StampDeserializer Instance = new();

    public static void Write(Span<byte> payload, long sendTicks, long sequence)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, sendTicks);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], sequence);
    }

    public Stamp Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull || data.Length < StampBytes
            ? new Stamp(-1, -1)
            : new Stamp(BinaryPrimitives.ReadInt64LittleEndian(data), BinaryPrimitives.ReadInt64LittleEndian(data[8..]));
}
