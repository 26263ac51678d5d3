namespace Broker.Cli.ReassignPartitions;

/// <summary>
/// What <c>--execute --throttle</c> configures, as Kafka's tool computes it: per partition the sources (its replicas
/// before the move, or the origin replicas of a reassignment already running) and destinations (target replicas not
/// among the sources). Topic config <c>leader.replication.throttled.replicas</c> lists <c>partition:source</c>,
/// <c>follower.replication.throttled.replicas</c> lists <c>partition:destination</c> (each sorted as strings, comma
/// separated), and every broker among sources and destinations gets both rates. Pure; thread-safe.
/// </summary>
internal sealed record ThrottlePlan(IReadOnlyDictionary<string, string> LeaderReplicas, IReadOnlyDictionary<string, string> FollowerReplicas, IReadOnlyList<int> Brokers)
{
    public const string LeaderRate = "leader.replication.throttled.rate";
    public const string FollowerRate = "follower.replication.throttled.rate";
    public const string LogDirRate = "replica.alter.log.dirs.io.max.bytes.per.second";
    public const string LeaderReplicasKey = "leader.replication.throttled.replicas";
    public const string FollowerReplicasKey = "follower.replication.throttled.replicas";

    public static readonly string[] BrokerKeys = [LeaderRate, FollowerRate, LogDirRate];
    public static readonly string[] TopicKeys = [LeaderReplicasKey, FollowerReplicasKey];

    /// <param name="proposed">Target replicas per partition.</param>
    /// <param name="sourcesOf">Source replicas per partition: the origin replicas of a running reassignment, else the current ones.</param>
    public static ThrottlePlan Compute(IReadOnlyDictionary<TopicPartitionKey, int[]> proposed, IReadOnlyDictionary<TopicPartitionKey, int[]> sourcesOf)
    {
        var leader = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var follower = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var brokers = new SortedSet<int>();
        foreach (var (key, target) in proposed)
        {
            int[] sources = sourcesOf.TryGetValue(key, out var s) ? s : [];
            var lead = leader.TryGetValue(key.Topic, out var l) ? l : leader[key.Topic] = new SortedSet<string>(StringComparer.Ordinal);
            var follow = follower.TryGetValue(key.Topic, out var f) ? f : follower[key.Topic] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (int source in sources)
            {
                lead.Add($"{key.Partition}:{source}");
                brokers.Add(source);
            }

            foreach (int destination in target.Except(sources))
            {
                follow.Add($"{key.Partition}:{destination}");
                brokers.Add(destination);
            }
        }

        return new ThrottlePlan(leader.ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value), StringComparer.Ordinal),
            follower.ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value), StringComparer.Ordinal), brokers.ToList());
    }
}
