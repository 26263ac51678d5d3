namespace Broker.Coordination.Controller.Requests;

/// <summary>
/// One partition as the controller tells brokers about it (an entry of LeaderAndIsr and UpdateMetadata). Immutable.
/// <see cref="Leader"/> is -1 when the partition is offline or has no state yet, and <see cref="LeaderDuringDelete"/>
/// in an UpdateMetadata entry of a topic queued for deletion (Kafka's LeaderDuringDelete marker: brokers drop it).
/// </summary>
/// <param name="TopicId">The topic id from the assignment znode (a Kafka UUID string), or null when it has none.</param>
/// <param name="ZkVersion">The state znode's version (Kafka's partition epoch), -1 when there is no state.</param>
/// <param name="IsNew">The partition got its first state in this event (LeaderAndIsr's IsNew).</param>
public sealed record PartitionLeadership(
    string Topic,
    string? TopicId,
    int Partition,
    int ControllerEpoch,
    int Leader,
    int LeaderEpoch,
    int[] Isr,
    int ZkVersion,
    int[] Replicas,
    int[] OfflineReplicas,
    bool IsNew = false)
{
    /// <summary>Kafka's LeaderAndIsr.LeaderDuringDelete: the leader id announced for a topic being deleted.</summary>
    public const int LeaderDuringDelete = -2;

    /// <summary>Kafka's LeaderAndIsr.EpochDuringDelete: the leader epoch of a StopReplica that deletes.</summary>
    public const int EpochDuringDelete = -2;

    public bool IsDeleted => Leader == LeaderDuringDelete;
}
