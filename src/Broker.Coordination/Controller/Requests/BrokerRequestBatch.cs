namespace Broker.Coordination.Controller.Requests;

/// <summary>
/// What one controller event tells one broker (Kafka's ControllerBrokerRequestBatch, per target): sent in the order
/// LeaderAndIsr, UpdateMetadata, StopReplica, each only when it has content (<see cref="UpdateMetadata"/> null = no
/// UpdateMetadata; an empty list = the broker list alone changed). Immutable.
/// </summary>
/// <param name="BrokerId">The target broker.</param>
/// <param name="ControllerEpoch">The epoch of the controller that decided it (fencing on the broker).</param>
/// <param name="FullLeaderAndIsr">The LeaderAndIsr lists every partition the broker hosts (failover or the broker's
/// start), Kafka's LeaderAndIsr type FULL; else INCREMENTAL.</param>
/// <param name="LiveBrokers">Every live broker when the batch was made (UpdateMetadata's list; LeaderAndIsr's live leaders).</param>
public sealed record BrokerRequestBatch(
    int BrokerId,
    int ControllerEpoch,
    IReadOnlyList<PartitionLeadership> LeaderAndIsr,
    bool FullLeaderAndIsr,
    IReadOnlyList<PartitionLeadership>? UpdateMetadata,
    IReadOnlyList<LiveBrokerInfo> LiveBrokers,
    IReadOnlyList<StopReplicaEntry> StopReplica)
{
    public bool IsEmpty => LeaderAndIsr.Count == 0 && UpdateMetadata is null && StopReplica.Count == 0;
}
