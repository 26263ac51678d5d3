namespace Broker.Server.Partitions;

/// <summary>
/// What a leader knows about one follower replica: the offset it fetched from last (so everything below is on the
/// follower) and when it was last caught up. Guarded by the owning partition's state lock.
/// </summary>
internal sealed class FollowerState
{
    /// <summary>The follower's log end offset as of its last fetch; -1 until it fetched under this leader.</summary>
    public long LogEndOffset { get; set; } = -1;

    /// <summary>The follower's log start offset as of its last fetch; -1 until it fetched under this leader.</summary>
    public long LogStartOffset { get; set; } = -1;

    /// <summary>Last time (ms) the follower had everything the leader had (Kafka's lastCaughtUpTimeMs).</summary>
    public long LastCaughtUpTimeMs { get; set; }

    /// <summary>Time (ms) of the follower's previous fetch.</summary>
    public long LastFetchTimeMs { get; set; }

    /// <summary>The leader's log end offset at the follower's previous fetch.</summary>
    public long LastFetchLeaderLogEndOffset { get; set; }
}
