using Broker.Coordination;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Topics;

/// <summary>
/// Topic administration in ZooKeeper mode, through any broker, as Kafka's ZkAdminManager: validate, place replicas
/// with Kafka's algorithm over the live brokers (rack-aware when they all have <c>broker.rack</c>), write <c>/config/topics/&lt;t&gt;</c> and
/// <c>/brokers/topics/&lt;t&gt;</c>; the controller then elects leaders, and the call waits (bounded) until this
/// broker's metadata shows them. Deletion writes <c>/admin/delete_topics/&lt;t&gt;</c> and waits for the controller.
/// Thread-safe: state lives in ZooKeeper; concurrent creations of one name are settled by the znode create.
/// </summary>
public sealed partial class ZkTopicAdmin(KafkaZkStore store, ZkClusterMetadata cluster, BrokerConfig config, BrokerRegistration registration, ILogger<ZkTopicAdmin> logger) : ITopicAdmin
{
    /// <summary>How long a creation or deletion waits for the controller before answering REQUEST_TIMED_OUT.</summary>
    public static readonly TimeSpan ControllerWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Metadata's auto-creation. Never creates (nor refuses to create) a topic ZooKeeper already has: when this
    /// broker is not ready (view not loaded, or not registered after a session expiry) or its view lags behind (a
    /// watch not yet applied), the answer is the retriable LEADER_NOT_AVAILABLE and a refresh, so the client asks
    /// again instead of concluding the topic is gone.
    /// </summary>
    public async Task<TopicCreation> AutoCreateAsync(string name)
    {
        if (!cluster.IsLoaded || !registration.IsRegistered || await store.GetTopicAsync(name).ConfigureAwait(false) is not null)
        {
            cluster.RequestRefresh();
            return TopicCreation.Fail(ErrorCode.LeaderNotAvailable, $"Topic '{name}' may exist: this broker's view of the cluster is not loaded or lags behind ZooKeeper; retry.");
        }

        var outcome = await CreateTopicAsync(new TopicCreationRequest(name, -1, -1, null, [], false)).ConfigureAwait(false);
        if (outcome.Error == ErrorCode.TopicAlreadyExists)
        {
            // Another client (here or through another broker) created it since the check above. Kafka's auto-creation
            // answers LEADER_NOT_AVAILABLE for that (retriable); TOPIC_ALREADY_EXISTS would fail the client's records.
            cluster.RequestRefresh();
            return TopicCreation.Fail(ErrorCode.LeaderNotAvailable, $"Topic '{name}' was just created by another request; retry.");
        }

        return outcome;
    }

    public IReadOnlyDictionary<string, string>? GetTopicConfigs(string topic) =>
        cluster.TryGetTopic(topic, out _) ? cluster.TopicConfig(topic) : null;

    public async Task<(ErrorCode Error, string? Message)> AlterTopicConfigsAsync(string topic, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly)
    {
        if (await store.GetTopicAsync(topic).ConfigureAwait(false) is null) return (ErrorCode.UnknownTopicOrPartition, $"The topic '{topic}' does not exist.");
        var current = await store.GetTopicConfigAsync(topic).ConfigureAwait(false);
        var (result, error) = TopicConfigs.Apply(config, current, changes, replaceAll);
        if (result is null) return (ErrorCode.InvalidConfig, error);
        if (validateOnly) return (ErrorCode.None, null);
        await store.SetTopicConfigAsync(topic, result).ConfigureAwait(false);
        LogConfigChanged(topic, string.Join(",", result.Select(kv => $"{kv.Key}={kv.Value}")));
        // Every broker (this one included) applies it when the change notification's watch fires.
        await cluster.WaitForAsync(_ => SameConfig(cluster.TopicConfig(topic), result), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return (ErrorCode.None, null);
    }

    private static bool SameConfig(IReadOnlyDictionary<string, string> seen, IReadOnlyDictionary<string, string> wanted) =>
        seen.Count == wanted.Count && wanted.All(kv => seen.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public async Task<(ErrorCode Error, string? Message)> CreatePartitionsAsync(string topic, int totalCount, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly)
    {
        var existing = await store.GetTopicAsync(topic).ConfigureAwait(false);
        if (existing is null) return (ErrorCode.UnknownTopicOrPartition, $"The topic '{topic}' does not exist.");
        int current = existing.Partitions.Count;
        if (totalCount < current)
            return (ErrorCode.InvalidPartitions, $"Topic currently has {current} partitions, which is higher than the requested {totalCount}.");
        if (totalCount == current) return (ErrorCode.InvalidPartitions, $"Topic already has {current} partitions.");
        var brokers = await LiveBrokersAsync().ConfigureAwait(false);
        var live = brokers.Select(b => b.Id).ToList();
        int replication = existing.Partitions[0].Length;
        Dictionary<int, int[]> added;
        if (assignments is not null)
        {
            if (assignments.Count != totalCount - current)
                return (ErrorCode.InvalidReplicaAssignment, $"Increasing the number of partitions by {totalCount - current} but {assignments.Count} assignments provided.");
            added = new Dictionary<int, int[]>();
            for (int i = 0; i < assignments.Count; i++)
            {
                var unknown = assignments[i].Where(b => !live.Contains(b)).Distinct().ToList();
                if (unknown.Count > 0) return (ErrorCode.InvalidReplicaAssignment, $"Unknown broker(s) in replica assignment: {string.Join(", ", unknown)}.");
                if (assignments[i].Count != replication)
                    return (ErrorCode.InvalidReplicaAssignment,
                        $"Inconsistent replication factor between partitions, partition 0 has {replication} while partition {current + i} has {assignments[i].Count}.");
                added[current + i] = assignments[i].ToArray();
            }
        }
        else
        {
            if (replication > live.Count)
                return (ErrorCode.InvalidReplicationFactor, $"Replication factor: {replication} larger than available brokers: {live.Count}.");
            if (MixedRacks(brokers) is { } mixed) return (ErrorCode.InvalidReplicaAssignment, mixed);
            added = ReplicaAssignment.AssignNewPartitions(current, existing.Partitions[0], totalCount, brokers);
        }

        if (validateOnly) return (ErrorCode.None, null);
        var all = existing.Partitions.Concat(added).ToDictionary(kv => kv.Key, kv => kv.Value);
        await store.SetTopicAssignmentAsync(existing with { Partitions = all }).ConfigureAwait(false);
        LogPartitionsAdded(topic, current, totalCount);
        bool ready = await cluster.WaitForAsync(c => c.TryGetTopic(topic, out var t) && t.Partitions.Count == totalCount && t.Partitions.All(p => p.Leader >= 0),
            ControllerWait).ConfigureAwait(false);
        return ready ? (ErrorCode.None, null) : (ErrorCode.RequestTimedOut, $"Partitions of '{topic}' were added but their leaders were not elected within {ControllerWait.TotalSeconds:0} s.");
    }

    /// <summary>
    /// The registered brokers, read from <c>/brokers/ids</c> (Kafka's AdminZkClient.getBrokerMetadatas), not from this
    /// broker's view: right after a broker died the view still lists it until the controller's UpdateMetadata
    /// arrives (after the new election when the controller died too), and a replica placed on it would never get a
    /// leader. One read of the broker list per admin request.
    /// </summary>
    /// <summary>
    /// Why placement is refused when some live brokers have <c>broker.rack</c> and others do not, or null. Kafka answers
    /// UNKNOWN_SERVER_ERROR without a message for this (an AdminOperationException); ours names the brokers, with the
    /// non-retriable error of a bad explicit assignment.
    /// </summary>
    private static string? MixedRacks(List<(int Id, string? Rack)> brokers)
    {
        var without = brokers.Where(b => string.IsNullOrEmpty(b.Rack)).Select(b => b.Id).ToList();
        return without.Count > 0 && without.Count < brokers.Count
            ? $"{ReplicaAssignment.MissingRackMessage} Brokers without broker.rack: {string.Join(",", without)}."
            : null;
    }

    private async Task<List<(int Id, string? Rack)>> LiveBrokersAsync() =>
        (await store.GetBrokersAsync().ConfigureAwait(false)).Select(b => (b.Id, b.Rack)).OrderBy(b => b.Id).ToList();

    public async Task<TopicCreation> CreateTopicAsync(TopicCreationRequest request)
    {
        if (TopicName.Validate(request.Name) is { } invalid) return TopicCreation.Fail(ErrorCode.InvalidTopicException, invalid);
        var brokers = await LiveBrokersAsync().ConfigureAwait(false);
        var live = brokers.Select(b => b.Id).ToList();
        int partitions = request.NumPartitions == -1 ? config.NumPartitions : request.NumPartitions;
        int replication = request.ReplicationFactor == -1 ? config.DefaultReplicationFactor : request.ReplicationFactor;
        Dictionary<int, int[]> assignment;
        if (request.Assignments is { Count: > 0 } explicitAssignment)
        {
            if (request.NumPartitions != -1 || request.ReplicationFactor != -1)
                return TopicCreation.Fail(ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            assignment = new Dictionary<int, int[]>();
            for (int p = 0; p < explicitAssignment.Count; p++)
            {
                var replicas = explicitAssignment[p].ToArray();
                if (replicas.Length == 0 || replicas.Distinct().Count() != replicas.Length)
                    return TopicCreation.Fail(ErrorCode.InvalidReplicaAssignment, $"Duplicate or missing replicas in the assignment of partition {p}");
                if (replicas.Length != explicitAssignment[0].Count)
                    return TopicCreation.Fail(ErrorCode.InvalidReplicaAssignment, "All partitions should have the same number of replicas");
                if (replicas.FirstOrDefault(b => !live.Contains(b), -1) is var unknown && unknown >= 0)
                    return TopicCreation.Fail(ErrorCode.InvalidReplicaAssignment, $"Unknown broker {unknown} in the assignment of partition {p}; live brokers: {string.Join(",", live)}");
                assignment[p] = replicas;
            }

            partitions = assignment.Count;
            replication = assignment[0].Length;
        }
        else
        {
            if (partitions <= 0) return TopicCreation.Fail(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
            if (replication <= 0) return TopicCreation.Fail(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0.");
            if (replication > live.Count)
                return TopicCreation.Fail(ErrorCode.InvalidReplicationFactor, $"Replication factor: {replication} larger than available brokers: {live.Count}.");
            if (MixedRacks(brokers) is { } mixed) return TopicCreation.Fail(ErrorCode.InvalidReplicaAssignment, mixed);
            assignment = ReplicaAssignment.Assign(partitions, replication, brokers);
        }

        if (TopicConfigs.Validate(request.Configs) is { } configError) return TopicCreation.Fail(ErrorCode.InvalidConfig, configError);
        var existing = await store.GetTopicNamesAsync().ConfigureAwait(false);
        if (existing.Contains(request.Name))
        {
            bool deleting = (await store.GetTopicDeletionsAsync(null).ConfigureAwait(false)).Contains(request.Name);
            return TopicCreation.Fail(ErrorCode.TopicAlreadyExists, deleting ? $"Topic '{request.Name}' is marked for deletion." : $"Topic '{request.Name}' already exists.");
        }

        string key = TopicName.CollisionKey(request.Name);
        if (existing.FirstOrDefault(t => TopicName.CollisionKey(t) == key) is { } clash)
            return TopicCreation.Fail(ErrorCode.InvalidTopicException, $"Topic '{request.Name}' collides with existing topic: {clash}");

        var planned = assignment.OrderBy(kv => kv.Key)
            .Select(kv => new PartitionInfo(kv.Key, kv.Value[0], 0, kv.Value, kv.Value)).ToList();
        if (request.ValidateOnly) return TopicCreation.Ok(new TopicInfo(request.Name, KafkaUuid.Zero, planned, TopicName.IsInternal(request.Name)));

        var topicId = KafkaUuid.NewRandom();
        var configs = request.Configs.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!);
        try
        {
            await store.CreateTopicAsync(new TopicZNode(request.Name, topicId.ToString(), assignment), configs).ConfigureAwait(false);
        }
        catch (NodeExistsException)
        {
            return TopicCreation.Fail(ErrorCode.TopicAlreadyExists, $"Topic '{request.Name}' already exists.");
        }

        LogCreated(request.Name, partitions, topicId.ToString());
        var written = TopicCreation.Ok(new TopicInfo(request.Name, topicId, planned, TopicName.IsInternal(request.Name)));
        var wait = request.LeaderWait ?? ControllerWait;
        return wait <= TimeSpan.Zero ? written : (await AwaitLeadersAsync([written], wait).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<TopicCreation>> AwaitLeadersAsync(IReadOnlyList<TopicCreation> created, TimeSpan wait)
    {
        var pending = created.Where(c => c.Topic is not null).Select(c => c.Topic!).ToList();
        IReadOnlySet<string> notOnPeers = new HashSet<string>();
        if (pending.Count > 0 && wait > TimeSpan.Zero)
        {
            var started = DateTime.UtcNow;
            await cluster.WaitForAsync(c => pending.All(t => HasLeaders(c, t)), wait).ConfigureAwait(false);
            // Then every other broker serves them too (conformance 0083): see PeerTopicVisibility.
            var ready = pending.Where(t => HasLeaders(cluster, t)).ToList();
            notOnPeers = await PeerTopicVisibility.AwaitAsync(cluster, config, ready, wait - (DateTime.UtcNow - started), logger).ConfigureAwait(false);
        }

        return created.Select(c => c.Topic is not { } t ? c
            : notOnPeers.Contains(t.Name) ? TopicCreation.Fail(ErrorCode.RequestTimedOut, $"Topic '{t.Name}' was created but not every broker serves it within {wait.TotalMilliseconds:0} ms.")
            : cluster.TryGetTopic(t.Name, out var seen) && HasLeaders(cluster, t) ? TopicCreation.Ok(seen)
            : TopicCreation.Fail(ErrorCode.RequestTimedOut, $"Topic '{t.Name}' was created but its leaders were not elected within {wait.TotalMilliseconds:0} ms.")).ToList();
    }

    /// <summary>The view shows every partition of <paramref name="topic"/> (same id) with a leader.</summary>
    private static bool HasLeaders(IClusterMetadata view, TopicInfo topic) =>
        view.TryGetTopic(topic.Name, out var t) && t.TopicId == topic.TopicId && t.Partitions.Count == topic.Partitions.Count && t.Partitions.All(p => p.Leader >= 0);

    public async Task<(ErrorCode Error, string? Message)> DeleteTopicAsync(string name, TimeSpan? wait = null)
    {
        if (!config.DeleteTopicEnable) return (ErrorCode.TopicDeletionDisabled, "Topic deletion is disabled.");
        if (await store.GetTopicAsync(name).ConfigureAwait(false) is not { } topic)
            return (ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.");
        await store.RequestTopicDeletionAsync(name).ConfigureAwait(false);
        LogDeletionRequested(name);
        var bound = wait ?? ControllerWait;
        if (bound <= TimeSpan.Zero) return (ErrorCode.None, null);

        // Done when this broker's view dropped the topic and the controller removed it, or (as Kafka answers) only
        // dropped while the controller waits for a replica's offline broker: re-creation is refused until then.
        // The view learns the deletion from the controller's UpdateMetadata; whether the controller finished is read
        // from ZooKeeper (one small read per poll: the view no longer follows /admin/delete_topics).
        var replicas = topic.Partitions.Values.SelectMany(r => r).ToHashSet();
        var deadline = DateTime.UtcNow + bound;
        bool gone = await cluster.WaitForAsync(c => !c.TryGetTopic(name, out _), bound).ConfigureAwait(false);
        while (gone && replicas.All(r => cluster.Brokers.Any(b => b.Id == r)) && (await store.GetTopicDeletionsAsync(null).ConfigureAwait(false)).Contains(name))
        {
            if (DateTime.UtcNow > deadline) gone = false;
            else await Task.Delay(100).ConfigureAwait(false);
        }

        return gone ? (ErrorCode.None, null) : (ErrorCode.RequestTimedOut, $"Deletion of topic '{name}' was requested but the controller has not completed it yet.");
    }

    [LoggerMessage(510, LogLevel.Information, "Created topic {Topic} with {Partitions} partition(s), id {TopicId}, in ZooKeeper")]
    private partial void LogCreated(string topic, int partitions, string topicId);

    [LoggerMessage(511, LogLevel.Information, "Requested deletion of topic {Topic}")]
    private partial void LogDeletionRequested(string topic);

    [LoggerMessage(512, LogLevel.Information, "Topic {Topic} config overrides are now {Configs}")]
    private partial void LogConfigChanged(string topic, string configs);

    [LoggerMessage(513, LogLevel.Information, "Topic {Topic} grows from {From} to {To} partitions")]
    private partial void LogPartitionsAdded(string topic, int from, int to);
}
