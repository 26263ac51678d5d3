using System.Globalization;
using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Groups;
using Broker.Server.Partitions;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Topics;

/// <summary>What distinguishes one coordinator's internal topic from another's.</summary>
/// <param name="Name">The topic (<c>__consumer_offsets</c>, <c>__transaction_state</c>).</param>
/// <param name="Partitions">Partitions to create it with (the existing topic's count wins once it exists).</param>
/// <param name="ReplicationFactor">Wanted replication factor; capped at the live broker count, with a warning.</param>
/// <param name="ReplicationSetting">The setting that asks for it, named in that warning.</param>
/// <param name="Configs">Topic configs to create it with; <c>{replication}</c> in a value is the factor used.</param>
/// <param name="WriteTimeout">How long an append waits for the in-sync replicas before COORDINATOR_NOT_AVAILABLE.</param>
/// <param name="TooLargeError">What an append refused as too large answers.</param>
public sealed record CoordinatorTopicSpec(string Name, int Partitions, int ReplicationFactor, string ReplicationSetting,
    Func<int, IReadOnlyList<KeyValuePair<string, string?>>> Configs, TimeSpan WriteTimeout, ErrorCode TooLargeError);

/// <summary>
/// A coordinator's compacted internal topic over this broker's replicas (<see cref="IOffsetsTopic"/>): created on first
/// use through <see cref="ITopicAdmin"/>, led by whichever broker the controller chose, appended to by its local leader
/// replica and acknowledged once the ISR has the batch (as Kafka writes group and transaction state with acks=-1),
/// replayed from the log start when this broker becomes a partition's leader. The group coordinator's offsets topic and
/// the transaction coordinator's state topic differ only in their <see cref="CoordinatorTopicSpec"/>. Thread-safe.
/// </summary>
public abstract partial class CoordinatorLogTopic : IOffsetsTopic
{
    private readonly CoordinatorTopicSpec _spec;
    private readonly IClusterMetadata _cluster;
    private readonly ITopicAdmin _admin;
    private readonly ReplicaManager _replicas;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _createLock = new(1, 1);

    protected CoordinatorLogTopic(CoordinatorTopicSpec spec, IClusterMetadata cluster, ITopicAdmin admin, ReplicaManager replicas, TimeProvider time, ILogger logger)
    {
        _spec = spec;
        _cluster = cluster;
        _admin = admin;
        _replicas = replicas;
        _time = time;
        _logger = logger;
        replicas.LeadershipChanged += p =>
        {
            if (p.Id.Topic == spec.Name) LeadershipChanged?.Invoke(p.Id.Partition, p.IsLeader);
        };
    }

    public event Action<int, bool>? LeadershipChanged;

    public int PartitionCount => _cluster.TryGetTopic(_spec.Name, out var t) ? t.Partitions.Count : _spec.Partitions;

    public bool Exists => _cluster.TryGetTopic(_spec.Name, out _);

    public async Task<(ErrorCode Error, bool CreatedNow)> EnsureCreatedAsync()
    {
        if (Exists) return (ErrorCode.None, false);
        await _createLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Exists) return (ErrorCode.None, false);
            // Kafka refuses to create the topic while fewer brokers than wanted are alive; a single broker, or a cluster
            // started one broker at a time, would then never get a coordinator, so the factor is capped (and logged).
            int replication = Math.Min(_spec.ReplicationFactor, Math.Max(1, _cluster.Brokers.Count));
            if (replication < _spec.ReplicationFactor)
                LogReplicationFallback(_spec.ReplicationSetting, _spec.ReplicationFactor, _cluster.Brokers.Count, _spec.Name, replication);
            var outcome = await _admin.CreateTopicAsync(new TopicCreationRequest(
                _spec.Name, _spec.Partitions, replication, null, _spec.Configs(replication), false)).ConfigureAwait(false);
            if (outcome.Error is ErrorCode.None or ErrorCode.TopicAlreadyExists)
            {
                bool createdNow = outcome.Error == ErrorCode.None;
                if (createdNow) LogCreated(_spec.Name, _spec.Partitions, replication);
                return (ErrorCode.None, createdNow);
            }

            LogCreateFailed(_spec.Name, outcome.Error.ToString(), outcome.Message ?? "");
            return (ErrorCode.CoordinatorNotAvailable, false);
        }
        finally
        {
            _createLock.Release();
        }
    }

    public BrokerNode? LeaderOf(int partition)
    {
        if (!_cluster.TryGetTopic(_spec.Name, out var topic) || partition >= topic.Partitions.Count) return null;
        int leader = topic.Partitions[partition].Leader;
        return _cluster.Brokers.FirstOrDefault(b => b.Id == leader);
    }

    /// <summary>Leader epoch of the partition in this broker's view, -1 when unknown.</summary>
    public int LeaderEpochOf(int partition) =>
        _cluster.TryGetTopic(_spec.Name, out var topic) && partition < topic.Partitions.Count ? topic.Partitions[partition].LeaderEpoch : -1;

    public bool IsLocalLeader(int partition) => LeaderOf(partition)?.Id == _cluster.LocalBrokerId && _replicas.TryGet(_spec.Name, partition, out _);

    /// <summary>
    /// Appends as leader and answers only once every in-sync replica has the batch, so the state survives the loss of
    /// the coordinator's broker. Errors map as Kafka maps a failed coordinator append: a moved leader is
    /// NOT_COORDINATOR, too few replicas or a timeout COORDINATOR_NOT_AVAILABLE (the client retries).
    /// </summary>
    public async ValueTask<ErrorCode> AppendAsync(int partition, byte[] batch)
    {
        if (!_replicas.TryGet(_spec.Name, partition, out var p)) return ErrorCode.NotCoordinator;
        var appended = p.AppendAsLeader(batch, requireMinIsr: true);
        if (appended.Error == ErrorCode.NotEnoughReplicas) return ErrorCode.CoordinatorNotAvailable;
        if (appended.Error != ErrorCode.None) return ErrorCode.NotCoordinator;
        var result = appended.Log;
        if (!result.IsSuccess) return result.Error == RecordBatchError.RecordTooLarge ? _spec.TooLargeError : ErrorCode.UnknownServerError;
        if (p.HighWatermark > result.LastOffset) return ErrorCode.None;
        var replicated = await p.WaitForReplicationAsync(result.LastOffset + 1, appended.LeaderEpoch, _spec.WriteTimeout, _time, CancellationToken.None)
            .ConfigureAwait(false);
        return replicated switch
        {
            ErrorCode.None => ErrorCode.None,
            ErrorCode.NotLeaderOrFollower => ErrorCode.NotCoordinator,
            _ => ErrorCode.CoordinatorNotAvailable,
        };
    }

    public IEnumerable<ReadOnlyMemory<byte>> ReadAll(int partition)
    {
        if (!_replicas.TryGet(_spec.Name, partition, out var p)) yield break;
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

    /// <summary>A config value in the invariant culture.</summary>
    protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(700, LogLevel.Information, "Created {Topic} with {Partitions} partition(s), replication factor {Replication}")]
    private partial void LogCreated(string topic, int partitions, int replication);

    [LoggerMessage(701, LogLevel.Warning, "Cannot create {Topic} yet: {Error} {Message}")]
    private partial void LogCreateFailed(string topic, string error, string message);

    [LoggerMessage(702, LogLevel.Warning, "{Setting} is {Wanted} but only {Live} broker(s) are alive: creating {Topic} with replication factor {Used}; its records survive fewer broker failures until it is reassigned")]
    private partial void LogReplicationFallback(string setting, int wanted, int live, string topic, int used);
}
