using System.Globalization;
using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Groups;

/// <summary>
/// <see cref="IOffsetsTopic"/> for the single broker: the topic is created through <see cref="ITopicAdmin"/>, every
/// partition is led here, appends go straight to the local <see cref="Broker.Storage.Log.PartitionLog"/>.
/// With one broker the replication factor is capped at the broker count (Kafka would refuse to create the topic
/// while fewer brokers than offsets.topic.replication.factor are alive; a single broker never gets more).
/// Thread-safe.
/// </summary>
public sealed partial class LocalOffsetsTopic : IOffsetsTopic
{
    public const string TopicName = "__consumer_offsets";

    private readonly IClusterMetadata _cluster;
    private readonly ITopicAdmin _admin;
    private readonly ReplicaManager _replicas;
    private readonly GroupCoordinatorOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _createLock = new(1, 1);

    private readonly TimeProvider _time;

    public LocalOffsetsTopic(IClusterMetadata cluster, ITopicAdmin admin, ReplicaManager replicas, GroupCoordinatorOptions options, TimeProvider time, ILogger<LocalOffsetsTopic> logger)
    {
        _time = time;
        _cluster = cluster;
        _admin = admin;
        _replicas = replicas;
        _options = options;
        _logger = logger;
        replicas.LeadershipChanged += p =>
        {
            if (p.Id.Topic == TopicName) LeadershipChanged?.Invoke(p.Id.Partition, p.IsLeader);
        };
    }

    public event Action<int, bool>? LeadershipChanged;

    public int PartitionCount => _cluster.TryGetTopic(TopicName, out var t) ? t.Partitions.Count : _options.OffsetsTopicPartitions;

    public bool Exists => _cluster.TryGetTopic(TopicName, out _);

    public async Task<(ErrorCode Error, bool CreatedNow)> EnsureCreatedAsync()
    {
        if (Exists) return (ErrorCode.None, false);
        await _createLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Exists) return (ErrorCode.None, false);
            int replication = Math.Min(_options.OffsetsTopicReplicationFactor, Math.Max(1, _cluster.Brokers.Count));
            if (replication < _options.OffsetsTopicReplicationFactor)
                LogReplicationFallback(_options.OffsetsTopicReplicationFactor, replication, _cluster.Brokers.Count);
            var outcome = await _admin.CreateTopicAsync(new TopicCreationRequest(
                TopicName, _options.OffsetsTopicPartitions, replication, null,
                [
                    new("cleanup.policy", "compact"),
                    new("segment.bytes", _options.OffsetsTopicSegmentBytes.ToString(CultureInfo.InvariantCulture)),
                    new("compression.type", "producer"),
                ],
                false));
            if (outcome.Error is ErrorCode.None or ErrorCode.TopicAlreadyExists)
            {
                bool createdNow = outcome.Error == ErrorCode.None;
                if (createdNow) LogCreated(_options.OffsetsTopicPartitions, replication);
                return (ErrorCode.None, createdNow);
            }

            LogCreateFailed(outcome.Error.ToString(), outcome.Message ?? "");
            return (ErrorCode.CoordinatorNotAvailable, false);
        }
        finally
        {
            _createLock.Release();
        }
    }

    public BrokerNode? LeaderOf(int partition)
    {
        if (!_cluster.TryGetTopic(TopicName, out var topic) || partition >= topic.Partitions.Count) return null;
        int leader = topic.Partitions[partition].Leader;
        return _cluster.Brokers.FirstOrDefault(b => b.Id == leader);
    }

    public bool IsLocalLeader(int partition) => LeaderOf(partition)?.Id == _cluster.LocalBrokerId && _replicas.TryGet(TopicName, partition, out _);

    /// <summary>
    /// Appends group records as leader and, like Kafka's offsets.commit.required.acks = -1, answers only once every
    /// in-sync replica has them, so a committed offset survives the loss of the coordinator's broker. Replication
    /// errors map as Kafka maps them for commits: a moved leader is NOT_COORDINATOR, too few replicas or a timeout
    /// COORDINATOR_NOT_AVAILABLE (the client retries).
    /// </summary>
    public async ValueTask<ErrorCode> AppendAsync(int partition, byte[] batch)
    {
        if (!_replicas.TryGet(TopicName, partition, out var p)) return ErrorCode.NotCoordinator;
        var appended = p.AppendAsLeader(batch, requireMinIsr: true);
        if (appended.Error == ErrorCode.NotEnoughReplicas) return ErrorCode.CoordinatorNotAvailable;
        if (appended.Error != ErrorCode.None) return ErrorCode.NotCoordinator;
        var result = appended.Log;
        if (!result.IsSuccess)
        {
            return result.Error == RecordBatchError.RecordTooLarge ? ErrorCode.RecordListTooLarge : ErrorCode.UnknownServerError;
        }

        if (p.HighWatermark > result.LastOffset) return ErrorCode.None;
        var replicated = await p.WaitForReplicationAsync(result.LastOffset + 1, appended.LeaderEpoch, TimeSpan.FromMilliseconds(_options.OffsetsCommitTimeoutMs), _time, CancellationToken.None).ConfigureAwait(false);
        return replicated switch
        {
            ErrorCode.None => ErrorCode.None,
            ErrorCode.NotLeaderOrFollower => ErrorCode.NotCoordinator,
            _ => ErrorCode.CoordinatorNotAvailable,
        };
    }

    public IEnumerable<ReadOnlyMemory<byte>> ReadAll(int partition)
    {
        if (!_replicas.TryGet(TopicName, partition, out var p)) yield break;
        long offset = p.Log.LogStartOffset;
        long end = p.Log.LogEndOffset;
        while (offset < end)
        {
            var read = p.Log.Read(offset, 1 << 20, end);
            if (read.OffsetOutOfRange || read.Records.IsEmpty) yield break;
            yield return read.Records;
            long next = offset;
            var span = read.Records.Span;
            while (span.Length >= RecordBatchHeader.Size && RecordBatchHeader.TryRead(span, out var h) && h.TotalSize <= span.Length)
            {
                next = h.NextOffset;
                span = span[h.TotalSize..];
            }

            if (next <= offset) yield break;
            offset = next;
        }
    }

    public bool PartitionExists(string topic, int partition) =>
        _cluster.TryGetTopic(topic, out var t) && partition >= 0 && partition < t.Partitions.Count;

    [LoggerMessage(700, LogLevel.Information, "Created __consumer_offsets with {Partitions} partition(s), replication factor {Replication}")]
    private partial void LogCreated(int partitions, int replication);

    [LoggerMessage(702, LogLevel.Warning, "offsets.topic.replication.factor is {Wanted} but only {Live} broker(s) are alive: creating __consumer_offsets with replication factor {Used}; committed offsets survive fewer broker failures until it is reassigned")]
    private partial void LogReplicationFallback(int wanted, int used, int live);

    [LoggerMessage(701, LogLevel.Warning, "Cannot create __consumer_offsets yet: {Error} {Message}")]
    private partial void LogCreateFailed(string error, string message);
}
