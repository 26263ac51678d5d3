using System.Collections.Concurrent;
using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Microsoft.Extensions.Logging;
using Broker.Storage;
using Broker.Storage.Log;

namespace Broker.Server.Topics;

/// <summary>
/// Topic administration and cluster metadata for a single broker without ZooKeeper: the broker is the only node and
/// the controller, every partition is led by it, and the topics are what its log folders hold (topic ids come from
/// each partition's <c>partition.metadata</c>). Thread-safe: creations and deletions are serialised by a lock and
/// publish immutable <see cref="TopicInfo"/> snapshots. Config overrides: see LocalTopicManager.Configs.cs.
/// </summary>
public sealed partial class LocalTopicManager : IClusterMetadata, ITopicAdmin
{
    private readonly ConcurrentDictionary<string, TopicInfo> _topics = new(StringComparer.Ordinal);
    private readonly Lock _adminLock = new();
    private readonly BrokerConfig _config;
    private readonly ReplicaManager _replicas;
    private readonly ILogger _logger;

    public LocalTopicManager(BrokerConfig config, ReplicaManager replicas, string clusterId, ILogger<LocalTopicManager> logger)
    {
        _config = config;
        _replicas = replicas;
        _logger = logger;
        ClusterId = clusterId;
        var advertised = config.InterBrokerEndpoint;
        var endpoints = config.AdvertisedListeners
            .Select(l => new Broker.Coordination.ZNodes.BrokerEndpoint(l.ListenerName, AdvertisedHost(l.Host), l.Port,
                config.ListenerSecurityProtocolMap[l.ListenerName]))
            .ToList();
        Brokers = [new BrokerNode(config.BrokerId, AdvertisedHost(advertised.Host), advertised.Port, config.BrokerRack) { Endpoints = endpoints }];
    }

    public string ClusterId { get; }

    public int ControllerId => _config.BrokerId;

    public int LocalBrokerId => _config.BrokerId;

    public IReadOnlyList<BrokerNode> Brokers { get; }

    public IReadOnlyCollection<TopicInfo> Topics => (IReadOnlyCollection<TopicInfo>)_topics.Values;

    public bool TryGetTopic(string name, out TopicInfo topic) => _topics.TryGetValue(name, out topic!);

    public bool TryGetTopic(KafkaUuid id, out TopicInfo topic)
    {
        topic = _topics.Values.FirstOrDefault(t => t.TopicId.Equals(id))!;
        return topic is not null;
    }

    /// <summary>Registers the partitions found in the log folders at start-up.</summary>
    public void LoadExisting()
    {
        foreach (var group in _replicas.Logs.All.Select(l => KeyValuePair.Create(l.TopicPartition, l)).GroupBy(p => p.Key.Topic))
        {
            KafkaUuid? id = group.Select(p => PartitionMetadataFile.Read(p.Value.Directory)).FirstOrDefault(x => x is not null);
            var topicId = id ?? KafkaUuid.NewRandom();
            int count = group.Max(p => p.Key.Partition) + 1;
            foreach (var p in group) _replicas.Host(p.Key, topicId);
            // A gap (a partition folder lost) is recreated empty, so the topic stays usable.
            for (int i = 0; i < count; i++) _replicas.Host(new TopicPartition(group.Key, i), topicId);
            _topics[group.Key] = Describe(group.Key, topicId, count);
            LogLoaded(group.Key, count, topicId.ToString());
        }

        lock (_adminLock) LoadOverrides();
    }

    public TopicCreation CreateTopic(TopicCreationRequest request)
    {
        if (TopicName.Validate(request.Name) is { } invalid) return TopicCreation.Fail(ErrorCode.InvalidTopicException, invalid);
        int partitions = request.NumPartitions == -1 ? _config.NumPartitions : request.NumPartitions;
        int replication = request.ReplicationFactor == -1 ? _config.DefaultReplicationFactor : request.ReplicationFactor;
        if (request.Assignments is { Count: > 0 } assignments)
        {
            if (request.NumPartitions != -1 || request.ReplicationFactor != -1)
                return TopicCreation.Fail(ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            partitions = assignments.Count;
            replication = assignments[0].Count;
            for (int p = 0; p < assignments.Count; p++)
            {
                if (assignments[p].Count != replication)
                    return TopicCreation.Fail(ErrorCode.InvalidReplicaAssignment, "All partitions should have the same number of replicas");
                if (assignments[p].Any(b => b != _config.BrokerId))
                    return TopicCreation.Fail(ErrorCode.InvalidReplicaAssignment, $"Unknown broker in the replica assignment of partition {p}; live brokers: {_config.BrokerId}");
            }
        }

        if (partitions <= 0) return TopicCreation.Fail(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
        if (replication <= 0) return TopicCreation.Fail(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0.");
        if (replication > Brokers.Count)
            return TopicCreation.Fail(ErrorCode.InvalidReplicationFactor,
                $"Replication factor: {replication} larger than available brokers: {Brokers.Count}.");
        if (TopicConfigs.Validate(request.Configs) is { } configError) return TopicCreation.Fail(ErrorCode.InvalidConfig, configError);

        lock (_adminLock)
        {
            if (_topics.ContainsKey(request.Name))
                return TopicCreation.Fail(ErrorCode.TopicAlreadyExists, $"Topic '{request.Name}' already exists.");
            string key = TopicName.CollisionKey(request.Name);
            if (_topics.Keys.FirstOrDefault(t => TopicName.CollisionKey(t) == key) is { } clash)
                return TopicCreation.Fail(ErrorCode.InvalidTopicException, $"Topic '{request.Name}' collides with existing topic: {clash}");
            if (request.ValidateOnly) return TopicCreation.Ok(new TopicInfo(request.Name, KafkaUuid.Zero, PlannedPartitions(partitions, replication), false));

            var topicId = KafkaUuid.NewRandom();
            var logConfig = TopicConfigs.ToLogConfig(_config, request.Configs);
            try
            {
                for (int p = 0; p < partitions; p++) _replicas.Host(new TopicPartition(request.Name, p), topicId, logConfig);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // All or nothing: the topic list is the set of log folders, so a half-created topic would reappear at
                // the next start. Remove every partition created so far, and any folder a failed creation left behind.
                _replicas.DeleteTopic(request.Name);
                RemoveLeftoverFolders(request.Name);
                LogCreateFailed(request.Name, partitions, ex);
                return TopicCreation.Fail(ErrorCode.UnknownServerError, $"Creating topic '{request.Name}' failed ({ex.Message}); nothing was created.");
            }

            var info = Describe(request.Name, topicId, partitions);
            _topics[request.Name] = info;
            var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in request.Configs) overrides[name] = value!;
            StoreOverrides(request.Name, overrides);
            LogCreated(request.Name, partitions, topicId.ToString());
            return TopicCreation.Ok(info);
        }
    }

    public (ErrorCode Error, string? Message) DeleteTopic(string name)
    {
        if (!_config.DeleteTopicEnable) return (ErrorCode.TopicDeletionDisabled, "Topic deletion is disabled.");
        lock (_adminLock)
        {
            if (!_topics.TryRemove(name, out _)) return (ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.");
            _replicas.DeleteTopic(name);
            ForgetOverrides(name);
            LogDeleted(name);
            return (ErrorCode.None, null);
        }
    }

    Task<TopicCreation> ITopicAdmin.CreateTopicAsync(TopicCreationRequest request) => Task.FromResult(CreateTopic(request));

    Task<TopicCreation> ITopicAdmin.AutoCreateAsync(string name) => Task.FromResult(AutoCreate(name));

    Task<(ErrorCode Error, string? Message)> ITopicAdmin.DeleteTopicAsync(string name, TimeSpan? wait) => Task.FromResult(DeleteTopic(name));

    Task<(ErrorCode Error, string? Message)> ITopicAdmin.AlterTopicConfigsAsync(string topic, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly) =>
        Task.FromResult(AlterTopicConfigs(topic, changes, replaceAll, validateOnly));

    Task<(ErrorCode Error, string? Message)> ITopicAdmin.CreatePartitionsAsync(string topic, int totalCount, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly) =>
        Task.FromResult(CreatePartitions(topic, totalCount, assignments, validateOnly));

    public TopicCreation AutoCreate(string name) =>
        CreateTopic(new TopicCreationRequest(name, -1, -1, null, [], false));

    private TopicInfo Describe(string name, KafkaUuid id, int partitions) =>
        new(name, id, PlannedPartitions(partitions, 1), TopicName.IsInternal(name));

    private List<PartitionInfo> PlannedPartitions(int partitions, int replication)
    {
        int self = _config.BrokerId;
        return Enumerable.Range(0, partitions)
            .Select(p => new PartitionInfo(p, self, 0, Enumerable.Repeat(self, replication).ToArray(), [self]))
            .ToList();
    }

    private static string AdvertisedHost(string host) => string.IsNullOrEmpty(host) || host == "0.0.0.0" ? "localhost" : host;

    /// <summary>Deletes folders <c>&lt;topic&gt;-&lt;n&gt;</c> in the log dirs that no log owns (a creation failed halfway).</summary>
    private void RemoveLeftoverFolders(string topic)
    {
        foreach (var dir in _config.LogDirs)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var folder in Directory.EnumerateDirectories(dir, topic + "-*"))
            {
                var suffix = Path.GetFileName(folder).AsSpan(topic.Length + 1);
                if (suffix.Length == 0 || !int.TryParse(suffix, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)) continue;
                try { Directory.Delete(folder, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }

    [LoggerMessage(306, LogLevel.Error, "Creating topic {Topic} with {Partitions} partition(s) failed; removed what was created")]
    private partial void LogCreateFailed(string topic, int partitions, Exception ex);

    [LoggerMessage(300, LogLevel.Information, "Loaded topic {Topic} with {Partitions} partition(s), id {TopicId}")]
    private partial void LogLoaded(string topic, int partitions, string topicId);

    [LoggerMessage(301, LogLevel.Information, "Created topic {Topic} with {Partitions} partition(s), id {TopicId}")]
    private partial void LogCreated(string topic, int partitions, string topicId);

    [LoggerMessage(302, LogLevel.Information, "Deleted topic {Topic}")]
    private partial void LogDeleted(string topic);

    [LoggerMessage(303, LogLevel.Information, "Topic {Topic} config overrides are now: {Overrides}")]
    private partial void LogConfigsChanged(string topic, string overrides);

    [LoggerMessage(304, LogLevel.Warning, "Ignoring the stored config overrides of topic {Topic}: {Reason}")]
    private partial void LogBadConfigFile(string topic, string reason);

    [LoggerMessage(305, LogLevel.Information, "Topic {Topic} grew from {Old} to {New} partition(s)")]
    private partial void LogPartitionsAdded(string topic, int old, int @new);
}
