using Broker.Coordination.Controller.Requests;

namespace Broker.Server.ControllerChannel;

/// <summary>
/// Folds the batches queued for one broker into one (one request per API), keeping what order means: a later entry
/// for a partition replaces an earlier one, and a batch is not folded into one whose StopReplica names a partition
/// the later batch leads or describes again (a topic deleted and re-created: the deletion must be sent first).
/// Pure functions.
/// </summary>
internal static class ControllerBatchMerger
{
    /// <summary>True when <paramref name="later"/> can be folded into <paramref name="earlier"/> without reordering anything that matters.</summary>
    public static bool CanMerge(BrokerRequestBatch earlier, BrokerRequestBatch later)
    {
        if (earlier.ControllerEpoch != later.ControllerEpoch || earlier.BrokerId != later.BrokerId) return false;
        if (earlier.StopReplica.Count == 0) return true;
        var stopped = earlier.StopReplica.Select(s => (s.Topic, s.Partition)).ToHashSet();
        return !later.LeaderAndIsr.Any(p => stopped.Contains((p.Topic, p.Partition)))
            && !(later.UpdateMetadata ?? []).Any(p => !p.IsDeleted && stopped.Contains((p.Topic, p.Partition)));
    }

    /// <summary>One batch saying what <paramref name="earlier"/> then <paramref name="later"/> say (see <see cref="CanMerge"/>).</summary>
    public static BrokerRequestBatch Merge(BrokerRequestBatch earlier, BrokerRequestBatch later) => new(
        later.BrokerId,
        later.ControllerEpoch,
        LastWins(earlier.LeaderAndIsr, later.LeaderAndIsr, p => (p.Topic, p.Partition)),
        earlier.FullLeaderAndIsr || later.FullLeaderAndIsr,
        earlier.UpdateMetadata is null ? later.UpdateMetadata
            : later.UpdateMetadata is null ? earlier.UpdateMetadata
            : LastWins(earlier.UpdateMetadata, later.UpdateMetadata, p => (p.Topic, p.Partition)),
        later.LiveBrokers,
        LastWins(earlier.StopReplica, later.StopReplica, s => (s.Topic, s.Partition)));

    /// <summary>
    /// Takes from the head of <paramref name="queue"/> the longest run of batches that fold into one, removes them
    /// and returns the fold with how many it took; null when the queue is empty.
    /// </summary>
    public static (BrokerRequestBatch Batch, int Count)? TakeMerged(List<BrokerRequestBatch> queue)
    {
        if (queue.Count == 0) return null;
        var merged = queue[0];
        int n = 1;
        while (n < queue.Count && CanMerge(merged, queue[n])) merged = Merge(merged, queue[n++]);
        queue.RemoveRange(0, n);
        return (merged, n);
    }

    private static List<T> LastWins<T>(IReadOnlyList<T> earlier, IReadOnlyList<T> later, Func<T, (string, int)> key)
    {
        var order = new List<(string, int)>();
        var byKey = new Dictionary<(string, int), T>();
        foreach (var item in earlier.Concat(later))
        {
            var k = key(item);
            if (!byKey.ContainsKey(k)) order.Add(k);
            byKey[k] = item;
        }

        return order.Select(k => byKey[k]).ToList();
    }
}
