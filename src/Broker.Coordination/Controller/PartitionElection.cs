using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

/// <summary>
/// Kafka's partition leader election rules as pure functions (no I/O), so they are unit-tested on their own.
/// Conventions of every rule: <c>live</c> holds the registered brokers (including those shutting down),
/// <c>shuttingDown</c> those that asked for a controlled shutdown; a result of null means "no change"; a leader change
/// bumps the leader epoch, an ISR-only change keeps it; every result carries the writing controller's epoch.
/// Thread-safe (stateless).
/// </summary>
public static partial class PartitionElection
{
    /// <summary>
    /// The state of a partition that has none yet: the first live replica leads, the live replicas are the ISR.
    /// Null while no replica is live (as Kafka's NewPartition state, it waits for a replica to register).
    /// </summary>
    public static PartitionStateZNode? Initial(int[] replicas, IReadOnlySet<int> live, int controllerEpoch)
    {
        var liveReplicas = replicas.Where(live.Contains).ToArray();
        return liveReplicas.Length == 0 ? null : new PartitionStateZNode(liveReplicas[0], 0, liveReplicas, controllerEpoch);
    }

    /// <summary>
    /// The state a partition should have given the live brokers, or null when it needs no change. A live leader
    /// stays. Otherwise the first replica (in assignment order) that is both in the ISR and alive leads; with
    /// <paramref name="uncleanElection"/> any live replica may lead when no ISR member is alive. Without a candidate
    /// the leader is -1 (offline) and the ISR keeps its last member, so that replica leads again when it returns.
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

    /// <summary>
    /// What the controller does to a partition after any change of brokers: a live leader keeps leading and loses
    /// its dead followers from the ISR (<see cref="RemoveDeadFollowers"/>); a dead leader is replaced by
    /// <see cref="Elect"/> among the live brokers that are not shutting down.
    /// </summary>
    public static PartitionStateZNode? Reconcile(PartitionStateZNode current, int[] replicas, IReadOnlySet<int> live,
        IReadOnlySet<int> shuttingDown, bool uncleanElection, int controllerEpoch)
    {
        if (current.Leader >= 0 && live.Contains(current.Leader) && replicas.Contains(current.Leader))
            return RemoveDeadFollowers(current, live, controllerEpoch);
        return Elect(current, replicas, Electable(live, shuttingDown), uncleanElection, controllerEpoch);
    }

    /// <summary>
    /// True when <see cref="Reconcile"/> would leave the partition offline unless unclean election is allowed: its
    /// leader is gone, no ISR member can lead, but another live replica could. Only then is the topic's
    /// <c>unclean.leader.election.enable</c> worth reading.
    /// </summary>
    public static bool NeedsUncleanChoice(PartitionStateZNode current, int[] replicas, IReadOnlySet<int> live, IReadOnlySet<int> shuttingDown)
    {
        if (current.Leader >= 0 && live.Contains(current.Leader) && replicas.Contains(current.Leader)) return false;
        var electable = Electable(live, shuttingDown);
        return !replicas.Any(r => current.Isr.Contains(r) && electable.Contains(r)) && replicas.Any(electable.Contains);
    }

    /// <summary>
    /// Drops followers that are no longer registered from the ISR of a partition with a leader; the leader itself is
    /// never dropped, so the ISR never empties. Null when the ISR has no dead member or the partition is offline.
    /// </summary>
    public static PartitionStateZNode? RemoveDeadFollowers(PartitionStateZNode current, IReadOnlySet<int> live, int controllerEpoch)
    {
        if (current.Leader < 0) return null;
        int[] isr = current.Isr.Where(r => r == current.Leader || live.Contains(r)).ToArray();
        return isr.Length == current.Isr.Length ? null : current with { Isr = isr, ControllerEpoch = controllerEpoch };
    }

    private static HashSet<int> Electable(IReadOnlySet<int> live, IReadOnlySet<int> shuttingDown) =>
        live.Where(b => !shuttingDown.Contains(b)).ToHashSet();
}
