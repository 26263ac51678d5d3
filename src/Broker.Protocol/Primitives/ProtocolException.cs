namespace Broker.Protocol;

/// <summary>
/// Thrown when bytes on the wire violate the Kafka protocol: a length or count larger than the remaining frame,
/// a malformed varint, an unknown api key or version, or a null where the schema forbids one.
/// The connection that produced the frame should be closed; nothing in this layer retries.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string message) : base(message)
    {
    }

    public ProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
