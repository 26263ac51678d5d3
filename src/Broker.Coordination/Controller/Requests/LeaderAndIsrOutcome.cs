namespace Broker.Coordination.Controller.Requests;

/// <summary>
/// What one broker registration answered to a LeaderAndIsr, per partition (Kafka's LeaderAndIsrResponseReceived):
/// the partitions it refused with KAFKA_STORAGE_ERROR (its replica lives in an offline log dir) and those it applied
/// without error. Other answers (stale epochs, not a replica) are in neither list. Immutable.
/// </summary>
/// <param name="BrokerEpoch">The registration the request was sent to (an answer of an older registration is ignored).</param>
public sealed record LeaderAndIsrOutcome(
    int BrokerId,
    long BrokerEpoch,
    IReadOnlyList<(string Topic, int Partition)> StorageErrors,
    IReadOnlyList<(string Topic, int Partition)> Applied);
