namespace Broker.Protocol.Framing;

/// <summary>
/// The request header. v0: api_key, api_version, correlation_id; v1 adds client_id; v2 adds a tagged-field buffer.
/// client_id is always a classic int16-length nullable string, even in v2, so any broker can parse any header;
/// a null client id is read as "".
/// </summary>
public readonly record struct RequestHeader(short ApiKey, short ApiVersion, int CorrelationId, string ClientId)
{
    /// <summary>
    /// Reads a header whose version is decided from its api key and version (see <see cref="ApiHeaders"/>).
    /// </summary>
    public static RequestHeader Read(ref KafkaReader reader, out short headerVersion)
    {
        var apiKey = reader.ReadInt16();
        var apiVersion = reader.ReadInt16();
        var correlationId = reader.ReadInt32();
        headerVersion = ApiHeaders.RequestHeaderVersion(apiKey, apiVersion);
        var clientId = string.Empty;
        if (headerVersion >= 1)
        {
            clientId = reader.ReadNullableString(compact: false) ?? string.Empty;
        }

        if (headerVersion >= 2)
        {
            reader.SkipTaggedFields();
        }

        return new RequestHeader(apiKey, apiVersion, correlationId, clientId);
    }

    /// <summary>Writes this header in the given header version (0, 1 or 2); used by clients and tests.</summary>
    public void Write(ref KafkaWriter writer, short headerVersion)
    {
        writer.WriteInt16(ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        if (headerVersion >= 1)
        {
            writer.WriteNullableString(ClientId, compact: false);
        }

        if (headerVersion >= 2)
        {
            writer.WriteEmptyTaggedFields();
        }
    }
}
