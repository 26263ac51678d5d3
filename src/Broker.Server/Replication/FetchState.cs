using Broker.Server.Partitions;

namespace Broker.Server.Replication;

/// <summary>
/// One partition a fetcher copies: its follower epoch, whether it must first find its divergence point with the
/// leader (OffsetForLeaderEpoch), and a back-off after errors. Owned by the fetcher loop; replaced, never mutated,
/// by the manager.
/// </summary>
internal sealed class FetchState(Partition partition, int leaderEpoch)
{
    public Partition Partition { get; } = partition;

    public int LeaderEpoch { get; } = leaderEpoch;

    /// <summary>True until the follower truncated to its divergence point under this leader epoch.</summary>
    public bool Truncating { get; set; } = true;

    /// <summary>Skip until this time (ms) after an error.</summary>
    public long DelayedUntilMs { get; set; }
}
