using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

/// <summary>
/// Kafka's partition leader election rules as pure functions (no I/O), so they are unit-tested on their own.
/// </summary>
public static class PartitionElection
{
    /// <summary>The state of a partition that has none yet: first live replica leads, the live replicas are the ISR.</summary>
    public static PartitionStateZNode Initial(int[] replicas, IReadOnlySet<int> live, int controllerEpoch)
    {
        var liveReplicas = replicas.Where(live.Contains).ToArray();
        return new PartitionStateZNode(liveReplicas.Length > 0 ? liveReplicas[0] : -1, 0, liveReplicas, controllerEpoch);
    }

    /// <summary>
    /// The state a partition should have given the live brokers, or null when it needs no change. A live leader
    /// stays. Otherwise the first replica (in assignment order) that is both in the ISR and alive leads; with
    /// <paramref name="uncleanElection"/> any live replica may lead when no ISR member is alive. Without a candidate
    /// the leader is -1 (offline) and the ISR keeps its last member, so that replica leads again when it returns.
    /// Every leader change bumps the leader epoch.
    /// </summary>
    public static PartitionStateZNode? Elect(PartitionStateZNode current, int[] replicas, IReadOnlySet<int> live, bool uncleanElection, int controllerEpoch)
    {
        if (current.Leader >= 0 && live.Contains(current.Leader) && replicas.Contains(current.Leader)) return null;

        int leader = replicas.FirstOrDefault(r => current.Isr.Contains(r) && live.Contains(r), -1);
        bool unclean = false;
        if (leader < 0 && uncleanElection)
        {
            leader = replicas.FirstOrDefault(live.Contains, -1);
            unclean = leader >= 0;
        }

        if (leader < 0)
        {
            if (current.Leader == -1) return null; // already offline
            int[] lastIsr = current.Isr.Length > 0 ? [current.Isr.Contains(current.Leader) ? current.Leader : current.Isr[0]] : current.Isr;
            return new PartitionStateZNode(-1, current.LeaderEpoch + 1, lastIsr, controllerEpoch);
        }

        int[] isr = unclean ? [leader] : current.Isr.Where(live.Contains).Union([leader]).ToArray();
        return new PartitionStateZNode(leader, current.LeaderEpoch + 1, isr, controllerEpoch);
    }
}
