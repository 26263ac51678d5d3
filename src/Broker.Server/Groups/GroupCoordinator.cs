using System.Collections.Concurrent;
using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Groups.Records;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Groups;

/// <summary>
/// Kafka's classic group coordinator for the groups whose <c>__consumer_offsets</c> partition this broker leads.
/// Thread-safety: one lock per group (<see cref="ConsumerGroup.Sync"/>); JoinGroup and SyncGroup answers that must wait
/// are TaskCompletionSources completed by later requests or timers, so no thread ever blocks. Time comes from the
/// injected <see cref="TimeProvider"/>. Every state change that must survive a restart is appended to the group's
/// offsets partition while the group lock is held, so the log order equals the in-memory order.
/// </summary>
public sealed partial class GroupCoordinator : IDisposable
{
    private readonly IOffsetsTopic _topic;
    private readonly GroupCoordinatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>
    /// Offsets partitions this coordinator owns, with the load that owns them. Read lock-free; changed only under
    /// <see cref="_ownershipLock"/> (taken before any group lock, never inside one).
    /// </summary>
    private readonly ConcurrentDictionary<int, PartitionOwnership> _partitions = new();
    private readonly Lock _ownershipLock = new();
    private long _lastLoadId;

    /// <summary>Open transactions' offsets found by a partition's replay, handed from Replay to Load (same thread).</summary>
    private readonly ConcurrentDictionary<int, Dictionary<long, Dictionary<string, Dictionary<Storage.TopicPartition, Records.OffsetCommitValue>>>> _replayedPendingTxn = new();
    private ITimer? _expiryTimer;

    public GroupCoordinator(IOffsetsTopic topic, GroupCoordinatorOptions options, TimeProvider time, ILogger<GroupCoordinator> logger)
    {
        _topic = topic;
        _options = options;
        _time = time;
        _logger = logger;
        topic.LeadershipChanged += (partition, leads) =>
        {
            if (leads) _ = LoadPartitionAsync(partition);
            else UnloadPartition(partition);
        };
    }

    public GroupCoordinatorOptions Options => _options;

    /// <summary>The offsets partition of <paramref name="groupId"/>.</summary>
    public int PartitionFor(string groupId) => GroupPartitioner.PartitionFor(groupId, _topic.PartitionCount);

    /// <summary>
    /// FindCoordinator for a group: creates <c>__consumer_offsets</c> on first use, then answers the leader of the
    /// group's partition (starting to load it when this broker leads it and does not own it yet).
    /// </summary>
    public async Task<(ErrorCode Error, BrokerNode? Node)> FindCoordinatorAsync(string groupId)
    {
        var (error, _) = await _topic.EnsureCreatedAsync().ConfigureAwait(false);
        if (error != ErrorCode.None) return (error, null);
        int partition = PartitionFor(groupId);
        var leader = _topic.LeaderOf(partition);
        if (leader is null) return (ErrorCode.CoordinatorNotAvailable, null);
        if (_topic.IsLocalLeader(partition) && !_partitions.ContainsKey(partition)) _ = LoadPartitionAsync(partition);
        return (ErrorCode.None, leader);
    }

    public void Dispose()
    {
        _expiryTimer?.Dispose();
        foreach (int partition in _partitions.Keys) UnloadPartition(partition);
    }

    /// <summary>
    /// Whether this broker may serve <paramref name="groupId"/> now: None, NOT_COORDINATOR (not owned) or
    /// COORDINATOR_LOAD_IN_PROGRESS. Empty ids are INVALID_GROUP_ID unless <paramref name="allowEmpty"/>.
    /// </summary>
    private ErrorCode CheckCoordinator(string groupId, bool allowEmpty = false)
    {
        if (groupId is null || (!allowEmpty && groupId.Length == 0)) return ErrorCode.InvalidGroupId;
        if (!_partitions.TryGetValue(PartitionFor(groupId), out var owned)) return ErrorCode.NotCoordinator;
        return owned.Loaded ? ErrorCode.None : ErrorCode.CoordinatorLoadInProgress;
    }

    private ConsumerGroup? TryGetGroup(string groupId) => _groups.TryGetValue(groupId, out var g) ? g : null;

    private ConsumerGroup GetOrCreateGroup(string groupId) =>
        _groups.GetOrAdd(groupId, id => new ConsumerGroup(id, PartitionFor(id), NowMs()));

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private ITimer StartTimer(Action callback, long dueMs) =>
        _time.CreateTimer(_ => callback(), null, TimeSpan.FromMilliseconds(Math.Max(0, dueMs)), Timeout.InfiniteTimeSpan);

    private static string NewMemberId(string clientId) => $"{clientId}-{Guid.NewGuid()}";

    /// <summary>Appends records (key, value-or-null tombstone) as one batch; call under the group lock, await outside.</summary>
    private ValueTask<ErrorCode> Append(int partition, IEnumerable<(byte[] Key, byte[]? Value)> records)
    {
        var builder = new RecordBatchBuilder(NowMs());
        foreach (var (key, value) in records) builder.Add(key, value);
        if (builder.Count == 0) return ValueTask.FromResult(ErrorCode.None);
        try
        {
            return _topic.AppendAsync(partition, builder.Build());
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            LogAppendFailed(partition, e);
            return ValueTask.FromResult(ErrorCode.NotCoordinator);
        }
    }

    /// <summary>
    /// Stores the group's current membership (group metadata value v1) with the members' current assignments, or
    /// <paramref name="assignments"/> (member id → assignment) when given. Call under the group lock.
    /// </summary>
    private ValueTask<ErrorCode> StoreGroup(ConsumerGroup group, IReadOnlyDictionary<string, byte[]>? assignments = null)
    {
        var record = new GroupMetadataRecord(
            group.ProtocolType ?? "",
            group.GenerationId,
            group.ProtocolName,
            group.LeaderId,
            group.StateTimestampMs,
            group.Members.Select(m => new GroupMemberRecord(
                m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs, m.SessionTimeoutMs,
                group.ProtocolName is { } p ? m.MetadataFor(p) ?? [] : [],
                assignments is null ? m.Assignment : assignments.GetValueOrDefault(m.MemberId) ?? [])).ToList());
        return Append(group.Partition, [(OffsetsRecordCodec.EncodeGroupKey(group.GroupId), OffsetsRecordCodec.EncodeGroupValue(record))]);
    }

    /// <summary>Logs a failed background write; the in-memory state stays (a restart replays what was written).</summary>
    private async void ObserveAppend(ValueTask<ErrorCode> append, string groupId)
    {
        try
        {
            var error = await append.ConfigureAwait(false);
            if (error != ErrorCode.None) LogStoreFailed(groupId, error.ToString());
        }
        catch (Exception e)
        {
            LogStoreFailed(groupId, e.Message);
        }
    }
}
