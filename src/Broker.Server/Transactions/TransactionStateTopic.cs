using System.Globalization;
using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Transactions;

/// <summary>
/// <see cref="ITransactionStateTopic"/> over this broker's replicas: the topic is created through
/// <see cref="ITopicAdmin"/> (compacted, transaction.state.log.* settings; the replication factor capped at the live
/// broker count, logged), appends go to the local leader replica and are acknowledged once the ISR has them (as
/// Kafka writes transaction state with acks=-1). Thread-safe.
/// </summary>
public sealed partial class TransactionStateTopic : ITransactionStateTopic
{
    public const string TopicName = "__transaction_state";

    private readonly IClusterMetadata _cluster;
    private readonly ITopicAdmin _admin;
    private readonly ReplicaManager _replicas;
    private readonly TransactionCoordinatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _createLock = new(1, 1);

    public TransactionStateTopic(IClusterMetadata cluster, ITopicAdmin admin, ReplicaManager replicas, TransactionCoordinatorOptions options, TimeProvider time, ILogger<TransactionStateTopic> logger)
    {
        _cluster = cluster;
        _admin = admin;
        _replicas = replicas;
        _options = options;
        _time = time;
        _logger = logger;
        replicas.LeadershipChanged += p =>
        {
            if (p.Id.Topic == TopicName) LeadershipChanged?.Invoke(p.Id.Partition, p.IsLeader);
        };
    }

    public event Action<int, bool>? LeadershipChanged;

    public int PartitionCount => _cluster.TryGetTopic(TopicName, out var t) ? t.Partitions.Count : _options.StateLogPartitions;

    public bool Exists => _cluster.TryGetTopic(TopicName, out _);

    public async Task<(ErrorCode Error, bool CreatedNow)> EnsureCreatedAsync()
    {
        if (Exists) return (ErrorCode.None, false);
        await _createLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Exists) return (ErrorCode.None, false);
            int replication = Math.Min(_options.StateLogReplicationFactor, Math.Max(1, _cluster.Brokers.Count));
            if (replication < _options.StateLogReplicationFactor)
                LogReplicationFallback(_options.StateLogReplicationFactor, replication, _cluster.Brokers.Count);
            int minIsr = Math.Min(_options.StateLogMinIsr, replication);
            var outcome = await _admin.CreateTopicAsync(new TopicCreationRequest(
                TopicName, _options.StateLogPartitions, replication, null,
                [
                    new("cleanup.policy", "compact"),
                    new("segment.bytes", _options.StateLogSegmentBytes.ToString(CultureInfo.InvariantCulture)),
                    new("min.insync.replicas", minIsr.ToString(CultureInfo.InvariantCulture)),
                    new("unclean.leader.election.enable", "false"),
                    new("compression.type", "uncompressed"),
                ],
                false));
            if (outcome.Error is ErrorCode.None or ErrorCode.TopicAlreadyExists)
            {
                bool createdNow = outcome.Error == ErrorCode.None;
                if (createdNow) LogCreated(_options.StateLogPartitions, replication);
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

    public int LeaderEpochOf(int partition) =>
        _cluster.TryGetTopic(TopicName, out var topic) && partition < topic.Partitions.Count ? topic.Partitions[partition].LeaderEpoch : -1;

    public bool IsLocalLeader(int partition) => LeaderOf(partition)?.Id == _cluster.LocalBrokerId && _replicas.TryGet(TopicName, partition, out _);

    /// <summary>
    /// Appends as leader and answers once every in-sync replica has the batch. Errors map as Kafka maps a failed
    /// transaction log append: a moved leader is NOT_COORDINATOR, too few replicas or a timeout
    /// COORDINATOR_NOT_AVAILABLE (the client retries).
    /// </summary>
    public async ValueTask<ErrorCode> AppendAsync(int partition, byte[] batch)
    {
        if (!_replicas.TryGet(TopicName, partition, out var p)) return ErrorCode.NotCoordinator;
        var appended = p.AppendAsLeader(batch, requireMinIsr: true);
        if (appended.Error == ErrorCode.NotEnoughReplicas) return ErrorCode.CoordinatorNotAvailable;
        if (appended.Error != ErrorCode.None) return ErrorCode.NotCoordinator;
        var result = appended.Log;
        if (!result.IsSuccess) return ErrorCode.UnknownServerError;
        if (p.HighWatermark > result.LastOffset) return ErrorCode.None;
        var replicated = await p.WaitForReplicationAsync(result.LastOffset + 1, appended.LeaderEpoch,
            TimeSpan.FromMilliseconds(_options.WriteTimeoutMs), _time, CancellationToken.None).ConfigureAwait(false);
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

    [LoggerMessage(4100, LogLevel.Information, "Created __transaction_state with {Partitions} partition(s), replication factor {Replication}")]
    private partial void LogCreated(int partitions, int replication);

    [LoggerMessage(4101, LogLevel.Warning, "Cannot create __transaction_state yet: {Error} {Message}")]
    private partial void LogCreateFailed(string error, string message);

    [LoggerMessage(4102, LogLevel.Warning, "transaction.state.log.replication.factor is {Wanted} but only {Live} broker(s) are alive: creating __transaction_state with replication factor {Used}")]
    private partial void LogReplicationFallback(int wanted, int used, int live);
}
