namespace Broker.Coordination.Controller;

/// <summary>The broker named in a request is not registered in ZooKeeper (Kafka's BROKER_NOT_AVAILABLE, 8).</summary>
public sealed class BrokerNotAvailableException(string message) : Exception(message);
