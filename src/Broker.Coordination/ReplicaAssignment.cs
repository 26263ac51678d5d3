namespace Broker.Coordination;

/// <summary>
/// Kafka's replica placement for brokers without racks (AdminUtils.assignReplicasToBrokersRackUnaware): partitions
/// start on consecutive brokers from a random index, and followers are shifted by an amount that grows every time
/// the partition count wraps around the broker list, so leaders and followers both spread evenly. Pure; thread-safe.
/// </summary>
public static class ReplicaAssignment
{
    /// <param name="brokers">Live broker ids, ascending (as Kafka sorts them).</param>
    /// <param name="fixedStartIndex">Start index and shift; -1 draws both at random (two independent draws).</param>
    /// <param name="startPartitionId">First partition id to assign (existing count when adding partitions).</param>
    public static Dictionary<int, int[]> AssignRackUnaware(int partitions, int replicationFactor, IReadOnlyList<int> brokers,
        int fixedStartIndex = -1, int startPartitionId = -1, Random? random = null)
    {
        if (partitions <= 0) throw new ArgumentException("Number of partitions must be larger than 0.", nameof(partitions));
        if (replicationFactor <= 0) throw new ArgumentException("Replication factor must be larger than 0.", nameof(replicationFactor));
        if (replicationFactor > brokers.Count)
            throw new ArgumentException($"Replication factor: {replicationFactor} larger than available brokers: {brokers.Count}.", nameof(replicationFactor));

        random ??= Random.Shared;
        int n = brokers.Count;
        int startIndex = fixedStartIndex >= 0 ? fixedStartIndex : random.Next(n);
        int nextShift = fixedStartIndex >= 0 ? fixedStartIndex : random.Next(n);
        int p = Math.Max(0, startPartitionId);
        var result = new Dictionary<int, int[]>();
        for (int i = 0; i < partitions; i++)
        {
            if (p > 0 && p % n == 0) nextShift++;
            int first = (p + startIndex) % n;
            var replicas = new int[replicationFactor];
            replicas[0] = brokers[first];
            for (int j = 0; j < replicationFactor - 1; j++)
            {
                int shift = 1 + ((nextShift + j) % (n - 1));
                replicas[j + 1] = brokers[(first + shift) % n];
            }

            result[p] = replicas;
            p++;
        }

        return result;
    }

    /// <summary>
    /// Placement of partitions added to an existing topic (AdminZkClient.createNewPartitionsAssignment): the start
    /// index is that of the first broker whose id is at least partition 0's first replica, used for both start and shift.
    /// </summary>
    public static Dictionary<int, int[]> AssignNewPartitions(int existingPartitions, int[] partitionZeroReplicas, int totalPartitions, IReadOnlyList<int> brokers)
    {
        int first = partitionZeroReplicas[0];
        int startIndex = Math.Max(0, brokers.ToList().FindIndex(b => b >= first));
        return AssignRackUnaware(totalPartitions - existingPartitions, partitionZeroReplicas.Length, brokers, startIndex, existingPartitions);
    }
}
