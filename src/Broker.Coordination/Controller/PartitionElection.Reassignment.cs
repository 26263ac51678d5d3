using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

// The partition state a reassignment step writes (KIP-455; Kafka's onPartitionReassignment steps A2 and B3-B5).
public static partial class PartitionElection
{
    /// <summary>
    /// The state of a partition whose replicas become <paramref name="replicas"/>: the ISR keeps only those replicas
    /// (in its order), the live leader stays when it is one of them, else the first of them (assignment order) that is
    /// in the ISR and electable leads; the leader epoch is bumped either way, so every replica applies the new replica
    /// list (Kafka bumps it when it starts a reassignment and when it completes one). Null when no member of
    /// <paramref name="replicas"/> can lead (the step waits).
    /// </summary>
    public static PartitionStateZNode? Reassigned(PartitionStateZNode current, int[] replicas, IReadOnlySet<int> live,
        IReadOnlySet<int> shuttingDown, int controllerEpoch)
    {
        int[] isr = current.Isr.Where(replicas.Contains).ToArray();
        int leader = current.Leader >= 0 && live.Contains(current.Leader) && replicas.Contains(current.Leader)
            ? current.Leader
            : replicas.FirstOrDefault(r => isr.Contains(r) && live.Contains(r) && !shuttingDown.Contains(r), -1);
        if (leader < 0) return null;
        return new PartitionStateZNode(leader, current.LeaderEpoch + 1, isr, controllerEpoch);
    }
}
