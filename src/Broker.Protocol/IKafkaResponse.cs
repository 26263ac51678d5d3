namespace Broker.Protocol;

/// <summary>Implemented by every generated response message.</summary>
public interface IKafkaResponse : IKafkaMessage
{
}
