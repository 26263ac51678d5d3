using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

public static partial class PartitionElection
{
    /// <summary>
    /// Kafka's controlled-shutdown rule for one partition of <paramref name="brokerId"/> (which must be in
    /// <paramref name="shuttingDown"/>). As leader: the first replica in assignment order that is in the ISR, live and
    /// not shutting down takes over and the shutting-down brokers leave the ISR; without such a replica nothing
    /// changes (the broker keeps leading, the caller reports the partition as remaining). As follower of a led
    /// partition: it leaves the ISR unless it is the last member. Offline partitions are left alone.
    /// </summary>
    public static PartitionStateZNode? ForControlledShutdown(PartitionStateZNode current, int[] replicas, IReadOnlySet<int> live,
        IReadOnlySet<int> shuttingDown, int brokerId, int controllerEpoch)
    {
        if (current.Leader < 0) return null;
        if (current.Leader == brokerId)
        {
            int leader = replicas.FirstOrDefault(r => r != brokerId && current.Isr.Contains(r) && live.Contains(r) && !shuttingDown.Contains(r), -1);
            if (leader < 0) return null;
            int[] isr = current.Isr.Where(r => r != brokerId && !shuttingDown.Contains(r)).ToArray();
            return new PartitionStateZNode(leader, current.LeaderEpoch + 1, isr, controllerEpoch);
        }

        if (!current.Isr.Contains(brokerId) || current.Isr.Length == 1) return null;
        return current with { Isr = current.Isr.Where(r => r != brokerId).ToArray(), ControllerEpoch = controllerEpoch };
    }
}
