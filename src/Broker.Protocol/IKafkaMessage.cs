namespace Broker.Protocol;

/// <summary>A generated request or response body.</summary>
public interface IKafkaMessage
{
    ApiKey ApiKey { get; }

    /// <summary>Writes the body (no size prefix, no header) in the given version.</summary>
    void Write(ref KafkaWriter writer, short version);
}
