namespace Broker.Cli.Topics;

/// <summary>Kafka's text form of a topic id: the 16 bytes (big-endian halves) in base64url without padding.</summary>
internal static class TopicIdText
{
    public static string Format(long mostSignificant, long leastSignificant)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, mostSignificant);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[8..], leastSignificant);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
