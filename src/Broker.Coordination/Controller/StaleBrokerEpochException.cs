namespace Broker.Coordination.Controller;

/// <summary>A broker's request carried an epoch older than its current registration (Kafka's STALE_BROKER_EPOCH, 77).</summary>
public sealed class StaleBrokerEpochException(string message) : Exception(message);
