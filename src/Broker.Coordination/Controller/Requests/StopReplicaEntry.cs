namespace Broker.Coordination.Controller.Requests;

/// <summary>
/// One partition of a StopReplica request: stop the replica, and with <paramref name="Delete"/> delete its log.
/// <paramref name="LeaderEpoch"/> is <see cref="PartitionLeadership.EpochDuringDelete"/> for a topic deletion, else
/// the partition's current leader epoch (-1 when unknown).
/// </summary>
public sealed record StopReplicaEntry(string Topic, int Partition, bool Delete, int LeaderEpoch);
