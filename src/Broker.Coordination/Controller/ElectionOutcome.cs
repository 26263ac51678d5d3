namespace Broker.Coordination.Controller;

/// <summary>
/// The result of an admin leader election for one partition, with Kafka's error code (0, 3 UNKNOWN_TOPIC_OR_PARTITION,
/// 80 PREFERRED_LEADER_NOT_AVAILABLE, 83 ELIGIBLE_LEADERS_NOT_AVAILABLE, 84 ELECTION_NOT_NEEDED) and message. Immutable.
/// </summary>
public sealed record ElectionOutcome(string Topic, int Partition, short ErrorCode, string? Message);
