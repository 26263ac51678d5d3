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

    /// <summary>
    /// Place in the next fetch request (smallest first). A partition that got records moves to the end (Kafka's
    /// updateAndMoveToEnd), so a busy partition cannot keep another from being first in the request, the one place
    /// where a batch larger than replica.fetch.max.bytes is returned (KIP-74).
    /// </summary>
    public long Order { get; set; }
}
