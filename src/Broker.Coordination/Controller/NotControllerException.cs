namespace Broker.Coordination.Controller;

/// <summary>
/// A request that only the active controller serves reached a broker whose controller is not (or no longer) active;
/// the caller should find the controller again (Kafka's NOT_CONTROLLER, 41).
/// </summary>
public sealed class NotControllerException(string message) : Exception(message);
