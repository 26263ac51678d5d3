using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Controller;

public static partial class PartitionElection
{
    /// <summary>
    /// Preferred replica election for one partition: the first assigned replica takes over when it does not lead,
    /// is live, not shutting down and in the ISR; the ISR is kept. Null otherwise.
    /// </summary>
    public static PartitionStateZNode? Preferred(PartitionStateZNode current, int[] replicas, IReadOnlySet<int> live,
        IReadOnlySet<int> shuttingDown, int controllerEpoch)
    {
        if (replicas.Length == 0) return null;
        int preferred = replicas[0];
        if (current.Leader == preferred || !live.Contains(preferred) || shuttingDown.Contains(preferred) || !current.Isr.Contains(preferred)) return null;
        return current with { Leader = preferred, LeaderEpoch = current.LeaderEpoch + 1, ControllerEpoch = controllerEpoch };
    }

    /// <summary>
    /// Kafka's auto leader rebalance check: partitions are grouped by preferred replica (first assigned); for each
    /// preferred broker, the share of its partitions that have a leader other than it is compared with
    /// <paramref name="imbalancePercentage"/>; when the share is strictly greater, all those partitions are returned
    /// as candidates (whether their preferred replica can lead is <see cref="Preferred"/>'s decision). Partitions
    /// without a state (<c>Leader</c> null) count in the total but are never candidates.
    /// </summary>
    public static IReadOnlyList<TKey> ImbalancedPartitions<TKey>(IEnumerable<(TKey Key, int[] Replicas, int? Leader)> partitions, int imbalancePercentage)
    {
        var result = new List<TKey>();
        foreach (var group in partitions.Where(p => p.Replicas.Length > 0).GroupBy(p => p.Replicas[0]))
        {
            var notPreferred = group.Where(p => p.Leader is { } leader && leader != group.Key).Select(p => p.Key).ToList();
            int total = group.Count();
            // notPreferred / total > percentage / 100, in integers.
            if (notPreferred.Count * 100L > (long)imbalancePercentage * total) result.AddRange(notPreferred);
        }

        return result;
    }
}
