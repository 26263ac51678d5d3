namespace Broker.Coordination;

/// <summary>
/// Kafka's replica placement (AdminUtils.assignReplicasToBrokers). Without racks: partitions start on consecutive
/// brokers from a random index, and followers are shifted by an amount that grows every time the partition count
/// wraps around the broker list, so leaders and followers both spread evenly. With racks (every broker has
/// <c>broker.rack</c>): the same walk over a list that alternates racks, skipping a broker whose rack (or itself)
/// already holds a replica while some rack (or broker) holds none, so each partition spans min(RF, racks) racks.
/// Pure; thread-safe.
/// </summary>
public static class ReplicaAssignment
{
    /// <summary>Kafka's message when some brokers have a rack and others do not (placement is then refused).</summary>
    public const string MissingRackMessage = "Not all brokers have rack information for replica rack aware assignment.";

    /// <summary>
    /// Placement over <paramref name="brokers"/> (id and rack, any order): rack-aware when every broker has a rack,
    /// rack-unaware when none has; <see cref="ArgumentException"/> with <see cref="MissingRackMessage"/> when only some
    /// have (Kafka's enforced rack-aware mode, the default of topic creation).
    /// </summary>
    public static Dictionary<int, int[]> Assign(int partitions, int replicationFactor, IReadOnlyList<(int Id, string? Rack)> brokers,
        int fixedStartIndex = -1, int startPartitionId = -1, Random? random = null)
    {
        var ids = brokers.Select(b => b.Id).Order().ToList();
        int withRack = brokers.Count(b => !string.IsNullOrEmpty(b.Rack));
        if (withRack == 0) return AssignRackUnaware(partitions, replicationFactor, ids, fixedStartIndex, startPartitionId, random);
        if (withRack != brokers.Count) throw new ArgumentException(MissingRackMessage, nameof(brokers));
        return AssignRackAware(partitions, replicationFactor, brokers.ToDictionary(b => b.Id, b => b.Rack!), fixedStartIndex, startPartitionId, random);
    }

    /// <summary>
    /// Brokers ordered so that racks alternate (AdminUtils.getRackAlternatedBrokerList): racks sorted by name, each
    /// rack's brokers ascending, one broker from each rack in turn until all are listed.
    /// </summary>
    public static List<int> RackAlternatedBrokers(IReadOnlyDictionary<int, string> rackOf)
    {
        var byRack = rackOf.GroupBy(kv => kv.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Queue<int>(g.Select(kv => kv.Key).Order())).ToList();
        var result = new List<int>(rackOf.Count);
        for (int rack = 0; result.Count < rackOf.Count; rack = (rack + 1) % byRack.Count)
        {
            if (byRack[rack].Count > 0) result.Add(byRack[rack].Dequeue());
        }

        return result;
    }

    /// <summary>Kafka's AdminUtils.assignReplicasToBrokersRackAware; every broker in <paramref name="rackOf"/> has a rack.</summary>
    public static Dictionary<int, int[]> AssignRackAware(int partitions, int replicationFactor, IReadOnlyDictionary<int, string> rackOf,
        int fixedStartIndex = -1, int startPartitionId = -1, Random? random = null)
    {
        CheckArguments(partitions, replicationFactor, rackOf.Count);

        random ??= Random.Shared;
        var arranged = RackAlternatedBrokers(rackOf);
        int n = arranged.Count;
        int racks = rackOf.Values.Distinct(StringComparer.Ordinal).Count();
        int startIndex = fixedStartIndex >= 0 ? fixedStartIndex : random.Next(n);
        int nextShift = fixedStartIndex >= 0 ? fixedStartIndex : random.Next(n);
        int p = Math.Max(0, startPartitionId);
        var result = new Dictionary<int, int[]>();
        for (int i = 0; i < partitions; i++)
        {
            if (p > 0 && p % n == 0) nextShift++;
            int first = (p + startIndex) % n;
            int leader = arranged[first];
            var replicas = new List<int>(replicationFactor) { leader };
            var racksUsed = new HashSet<string>(StringComparer.Ordinal) { rackOf[leader] };
            var brokersUsed = new HashSet<int> { leader };
            int k = 0;
            while (replicas.Count < replicationFactor)
            {
                // Always terminates: once every rack (broker) holds a replica the rack (broker) condition is lifted.
                int candidate = arranged[(first + 1 + ((nextShift * racks + k) % (n - 1))) % n];
                string rack = rackOf[candidate];
                if ((!racksUsed.Contains(rack) || racksUsed.Count == racks) && (!brokersUsed.Contains(candidate) || brokersUsed.Count == n))
                {
                    replicas.Add(candidate);
                    racksUsed.Add(rack);
                    brokersUsed.Add(candidate);
                }

                k++;
            }

            result[p] = replicas.ToArray();
            p++;
        }

        return result;
    }

    /// <param name="brokers">Live broker ids, ascending (as Kafka sorts them).</param>
    /// <param name="fixedStartIndex">Start index and shift; -1 draws both at random (two independent draws).</param>
    /// <param name="startPartitionId">First partition id to assign (existing count when adding partitions).</param>
    public static Dictionary<int, int[]> AssignRackUnaware(int partitions, int replicationFactor, IReadOnlyList<int> brokers,
        int fixedStartIndex = -1, int startPartitionId = -1, Random? random = null)
    {
        CheckArguments(partitions, replicationFactor, brokers.Count);

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
    /// index is that of the first broker (by ascending id) whose id is at least partition 0's first replica, used for
    /// both start and shift; racks as <see cref="Assign"/>.
    /// </summary>
    public static Dictionary<int, int[]> AssignNewPartitions(int existingPartitions, int[] partitionZeroReplicas, int totalPartitions, IReadOnlyList<(int Id, string? Rack)> brokers)
    {
        int first = partitionZeroReplicas[0];
        int startIndex = Math.Max(0, brokers.Select(b => b.Id).Order().ToList().FindIndex(b => b >= first));
        return Assign(totalPartitions - existingPartitions, partitionZeroReplicas.Length, brokers, startIndex, existingPartitions);
    }

    /// <summary>Kafka's argument checks, with its messages (AdminUtils), shared by both placement algorithms.</summary>
    private static void CheckArguments(int partitions, int replicationFactor, int brokers)
    {
        if (partitions <= 0) throw new ArgumentException("Number of partitions must be larger than 0.", nameof(partitions));
        if (replicationFactor <= 0) throw new ArgumentException("Replication factor must be larger than 0.", nameof(replicationFactor));
        if (replicationFactor > brokers)
            throw new ArgumentException($"Replication factor: {replicationFactor} larger than available brokers: {brokers}.", nameof(replicationFactor));
    }
}
