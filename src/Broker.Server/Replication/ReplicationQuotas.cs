using Broker.Server.Configuration;

namespace Broker.Server.Replication;

/// <summary>
/// The two replication throttles of this broker (Kafka's leader and follower ReplicationQuotaManagers): the rates come
/// from <c>leader.replication.throttled.rate</c> / <c>follower.replication.throttled.rate</c> (dynamic broker configs),
/// the throttled replicas from each topic's <c>leader.replication.throttled.replicas</c> /
/// <c>follower.replication.throttled.replicas</c>. As Kafka, only replicas outside the ISR are throttled (a
/// reassignment's new replicas catching up), never in-sync followers, so acks=all latency is untouched. Thread-safe.
/// </summary>
public sealed class ReplicationQuotas
{
    private readonly Func<string, IReadOnlyDictionary<string, string>> _topicConfig;

    public ReplicationQuotas(DynamicBrokerConfig config, Func<string, IReadOnlyDictionary<string, string>> topicConfig, TimeProvider time)
    {
        _topicConfig = topicConfig;
        BrokerId = config.Current.BrokerId;
        Leader = new ReplicationQuota(() => config.Current.LeaderReplicationThrottledRate, time);
        Follower = new ReplicationQuota(() => config.Current.FollowerReplicationThrottledRate, time);
    }

    public int BrokerId { get; }

    /// <summary>What this broker sends, as leader, to throttled followers.</summary>
    public ReplicationQuota Leader { get; }

    /// <summary>What this broker fetches, as follower, for its throttled replicas.</summary>
    public ReplicationQuota Follower { get; }

    /// <summary>True when the leader-side throttle applies to <paramref name="follower"/>'s fetches of the partition (a throttled
    /// replica of this leader, follower out of the ISR).</summary>
    public bool IsLeaderThrottled(string topic, int partition, int follower, IReadOnlyCollection<int> isr) =>
        Leader.IsLimited && !isr.Contains(follower)
        && _topicConfig(topic).TryGetValue(ThrottledReplicas.LeaderKey, out var value) && ThrottledReplicas.Contains(value, partition, BrokerId);

    /// <summary>True when the follower-side throttle applies to this broker's fetches of the partition (not yet in sync).</summary>
    public bool IsFollowerThrottled(string topic, int partition, bool inSync) =>
        !inSync && Follower.IsLimited
        && _topicConfig(topic).TryGetValue(ThrottledReplicas.FollowerKey, out var value) && ThrottledReplicas.Contains(value, partition, BrokerId);
}
