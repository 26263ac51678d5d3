namespace Broker.Protocol;

/// <summary>Implemented by every generated request message.</summary>
public interface IKafkaRequest : IKafkaMessage
{
}
