using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller.Requests;

/// <summary>
/// A live broker as the controller knows it: its registration and its broker epoch (the czxid of
/// <c>/brokers/ids/&lt;id&gt;</c>; a re-registration has a higher one). Immutable.
/// </summary>
public sealed record LiveBrokerInfo(int Id, long Epoch, IReadOnlyList<BrokerEndpoint> Endpoints, string? Rack);
