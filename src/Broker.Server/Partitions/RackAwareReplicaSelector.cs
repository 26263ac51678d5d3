namespace Broker.Server.Partitions;

/// <summary>
/// Where a consumer should read from (KIP-392), as Kafka's <c>RackAwareReplicaSelector</c> chooses: with a client rack,
/// the leader when it is in that rack or no replica is, otherwise the same-rack replica with the highest log end
/// offset (then the one caught up most recently); without a client rack, the leader. Pure; thread-safe.
/// </summary>
public static class RackAwareReplicaSelector
{
    /// <summary>The <c>replica.selector.class</c> value that turns it on, Kafka's class name.</summary>
    public const string KafkaClassName = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

    /// <summary>Kafka's default selector (always the leader): accepted, same as leaving the setting unset.</summary>
    public const string LeaderSelectorClassName = "org.apache.kafka.common.replica.LeaderSelector";

    /// <summary>The broker to read from; <paramref name="leaderId"/> when the leader should serve.</summary>
    /// <param name="replicas">The replicas holding the fetch offset, the leader among them.</param>
    /// <param name="rackOf">A broker's rack, or null when it has none or is unknown.</param>
    public static int Select(string? clientRack, int leaderId, IReadOnlyList<ReadReplicaView> replicas, Func<int, string?> rackOf)
    {
        if (string.IsNullOrEmpty(clientRack)) return leaderId;
        ReadReplicaView? best = null;
        foreach (var r in replicas)
        {
            if (!string.Equals(rackOf(r.BrokerId), clientRack, StringComparison.Ordinal)) continue;
            if (r.BrokerId == leaderId) return leaderId;
            if (best is not { } b || r.LogEndOffset > b.LogEndOffset
                || (r.LogEndOffset == b.LogEndOffset && r.TimeSinceLastCaughtUpMs < b.TimeSinceLastCaughtUpMs))
                best = r;
        }

        return best?.BrokerId ?? leaderId;
    }
}
