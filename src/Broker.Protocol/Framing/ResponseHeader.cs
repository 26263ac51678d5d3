namespace Broker.Protocol.Framing;

/// <summary>The response header. v0: correlation_id; v1 adds an (empty) tagged-field buffer.</summary>
public static class ResponseHeader
{
    public static void Write(ref KafkaWriter writer, int correlationId, short headerVersion)
    {
        writer.WriteInt32(correlationId);
        if (headerVersion >= 1)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Reads a response header and returns its correlation id; used by clients and tests.</summary>
    public static int Read(ref KafkaReader reader, short headerVersion)
    {
        var correlationId = reader.ReadInt32();
        if (headerVersion >= 1)
        {
            reader.SkipTaggedFields();
        }

        return correlationId;
    }
}
