namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    /// <summary>
    /// The replicas that hold <paramref name="fetchOffset"/> (Kafka's findPreferredReadReplica): this leader, and each
    /// follower whose last fetch showed a log end at or past the offset and a log start at or before it. Empty when
    /// this broker does not lead. Thread-safe (takes the state lock).
    /// </summary>
    public IReadOnlyList<ReadReplicaView> ReadableReplicas(long fetchOffset)
    {
        long nowMs = NowMs;
        lock (_stateLock)
        {
            if (!_isLeader) return [];
            var result = new List<ReadReplicaView>(_followers.Count + 1) { new(_localBrokerId, Log.LogEndOffset, 0) };
            foreach (var (id, f) in _followers)
            {
                if (f.LogEndOffset >= fetchOffset && f.LogStartOffset <= fetchOffset)
                    result.Add(new ReadReplicaView(id, f.LogEndOffset, Math.Max(0, nowMs - f.LastCaughtUpTimeMs)));
            }

            return result;
        }
    }
}
