using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Groups.Records;
using Broker.Storage;
using Microsoft.Extensions.Hosting;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator : IHostedService
{
    /// <summary>
    /// Start-up: loads every offsets partition this broker leads (requests for their groups answer
    /// COORDINATOR_LOAD_IN_PROGRESS meanwhile) and starts the periodic offset expiry.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_topic.Exists)
        {
            for (int p = 0; p < _topic.PartitionCount; p++)
            {
                if (_topic.IsLocalLeader(p)) _ = LoadPartitionAsync(p);
            }
        }

        var interval = TimeSpan.FromMilliseconds(_options.OffsetsRetentionCheckIntervalMs);
        _expiryTimer = _time.CreateTimer(_ => RunExpiry(), null, interval, interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>True once <paramref name="partition"/> is owned and loaded.</summary>
    public bool IsLoaded(int partition) => _partitions.TryGetValue(partition, out var owned) && owned.Loaded;

    /// <summary>
    /// Takes ownership of an offsets partition (this broker became its leader): replays it into memory off the
    /// calling thread. Until the returned task completes, its groups answer COORDINATOR_LOAD_IN_PROGRESS. A partition
    /// already owned is left as it is. Each load gets a new id; only the load that still owns the partition when it
    /// finishes publishes its groups (see <see cref="PartitionOwnership"/>).
    /// </summary>
    public Task LoadPartitionAsync(int partition)
    {
        long loadId;
        lock (_ownershipLock)
        {
            if (_partitions.ContainsKey(partition)) return Task.CompletedTask;
            loadId = ++_lastLoadId;
            _partitions[partition] = new PartitionOwnership(loadId, Loaded: false);
        }

        return Task.Run(() => Load(partition, loadId));
    }

    /// <summary>
    /// Gives up an offsets partition (leadership moved away): its groups are dropped from memory and waiting
    /// JoinGroup/SyncGroup requests answer NOT_COORDINATOR, so clients look the coordinator up again. A load still
    /// running for it is abandoned.
    /// </summary>
    public void UnloadPartition(int partition)
    {
        lock (_ownershipLock)
        {
            _partitions.TryRemove(partition, out _);
            DropGroupsOf(partition);
        }

        LogUnloaded(partition);
    }

    /// <summary>Drops every group of the partition. Call under <see cref="_ownershipLock"/>.</summary>
    private void DropGroupsOf(int partition)
    {
        foreach (var group in _groups.Values.Where(g => g.Partition == partition).ToList()) DropGroup(group);
    }

    private void DropGroup(ConsumerGroup group)
    {
        lock (group.Sync)
        {
            foreach (var m in group.Members)
            {
                m.SessionTimer?.Dispose();
                m.AwaitingJoin?.TrySetResult(JoinGroupResult.Fail(ErrorCode.NotCoordinator, m.MemberId));
                m.AwaitingSync?.TrySetResult(SyncGroupResult.Fail(ErrorCode.NotCoordinator));
                m.AwaitingJoin = null;
                m.AwaitingSync = null;
            }

            foreach (var timer in group.PendingMembers.Values) timer?.Dispose();
            group.PhaseTimer?.Dispose();
            group.PhaseToken++;
            group.State = GroupState.Dead;
            _groups.TryRemove(new KeyValuePair<string, ConsumerGroup>(group.GroupId, group));
        }
    }

    /// <summary>True while load <paramref name="loadId"/> owns the partition (no unload or newer load since it started).</summary>
    private bool OwnsLoad(int partition, long loadId) => _partitions.TryGetValue(partition, out var owned) && owned.LoadId == loadId;

    private void Load(int partition, long loadId)
    {
        var started = _time.GetTimestamp();
        try
        {
            if (Replay(partition, loadId) is not var (offsets, metadata))
            {
                LogLoadAbandoned(partition, loadId);
                return;
            }

            int groups = 0;
            lock (_ownershipLock)
            {
                // Checked and published under one lock: an unload or reload cannot slip in between.
                if (!OwnsLoad(partition, loadId))
                {
                    LogLoadAbandoned(partition, loadId);
                    return;
                }

                foreach (string groupId in offsets.Keys.Union(metadata.Where(kv => kv.Value is not null).Select(kv => kv.Key)))
                {
                    var group = Restore(groupId, partition, metadata.GetValueOrDefault(groupId), offsets.GetValueOrDefault(groupId));
                    if (group is null) continue;
                    _groups[groupId] = group;
                    groups++;
                }

                if (_replayedPendingTxn.TryRemove(partition, out var pendingTxn))
                {
                    foreach (var (producerId, byGroup) in pendingTxn)
                    {
                        foreach (var (groupId, map) in byGroup)
                        {
                            var group = _groups.GetOrAdd(groupId, id => new ConsumerGroup(id, partition, NowMs()));
                            lock (group.Sync) group.PendingTxnOffsets[producerId] = map;
                        }
                    }
                }

                _partitions[partition] = new PartitionOwnership(loadId, Loaded: true);
            }

            LogLoaded(partition, groups, offsets.Values.Sum(o => o.Count), _time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            lock (_ownershipLock)
            {
                if (OwnsLoad(partition, loadId))
                {
                    _partitions.TryRemove(partition, out _);
                    DropGroupsOf(partition);
                }
            }

            LogLoadFailed(partition, e);
        }
    }

    /// <summary>Replays the partition; null when load <paramref name="loadId"/> lost ownership meanwhile (checked per chunk).</summary>
    private (Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>> Offsets, Dictionary<string, GroupMetadataRecord?> Groups)? Replay(int partition, long loadId)
    {
        var offsets = new Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>>(StringComparer.Ordinal);
        var groups = new Dictionary<string, GroupMetadataRecord?>(StringComparer.Ordinal);
        var pendingTxn = new Dictionary<long, Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>>>();
        foreach (var chunk in _topic.ReadAll(partition))
        {
            if (!OwnsLoad(partition, loadId)) return null;
            var span = chunk.Span;
            while (span.Length >= RecordBatchHeader.Size && RecordBatchHeader.TryRead(span, out var header) && header.TotalSize <= span.Length)
            {
                var batch = span[..header.TotalSize];
                span = span[header.TotalSize..];
                if (header.IsControl)
                {
                    ReplayMarker(batch, header.ProducerId, offsets, pendingTxn);
                    continue;
                }

                if (header.Compression != CompressionType.None)
                {
                    LogSkippedCompressed(partition, header.BaseOffset);
                    continue;
                }

                var reader = new RecordReader(batch);
                while (reader.TryReadNext(out var record))
                {
                    if (record.KeyIsNull) continue;
                    var key = OffsetsRecordCodec.DecodeKey(record.Key.ToArray());
                    if (key.Offset is { } offsetKey)
                    {
                        var tp = new TopicPartition(offsetKey.Topic, offsetKey.Partition);
                        if (record.ValueIsNull)
                        {
                            if (offsets.TryGetValue(key.Group, out var map)) map.Remove(tp);
                        }
                        else
                        {
                            // A transactional commit waits for its transaction's marker (see ReplayMarker).
                            var target = offsets;
                            if (header.IsTransactional && header.ProducerId >= 0
                                && !pendingTxn.TryGetValue(header.ProducerId, out target))
                                pendingTxn[header.ProducerId] = target = new(StringComparer.Ordinal);
                            if (!target!.TryGetValue(key.Group, out var map)) target[key.Group] = map = [];
                            map[tp] = OffsetsRecordCodec.DecodeOffsetValue(record.Value.ToArray());
                        }
                    }
                    else
                    {
                        groups[key.Group] = record.ValueIsNull ? null : OffsetsRecordCodec.DecodeGroupValue(record.Value.ToArray());
                    }
                }
            }
        }

        // Transactions still open at the end of the log keep their offsets pending until their marker arrives.
        _replayedPendingTxn[partition] = pendingTxn;
        return (offsets, groups);
    }

    /// <summary>
    /// A control batch (Kafka's control record key: int16 version, int16 type, 0 = abort, 1 = commit) ends the
    /// producer's transaction: its offsets become committed or are dropped.
    /// </summary>
    private static void ReplayMarker(ReadOnlySpan<byte> batch, long producerId,
        Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>> offsets,
        Dictionary<long, Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>>> pendingTxn)
    {
        var reader = new RecordReader(batch);
        if (!reader.TryReadNext(out var record) || record.KeyIsNull || record.Key.Length < 4) return;
        bool commit = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(record.Key[2..]) == 1;
        if (!pendingTxn.Remove(producerId, out var pending) || !commit) return;
        foreach (var (group, map) in pending)
        {
            if (!offsets.TryGetValue(group, out var target)) offsets[group] = target = [];
            foreach (var (tp, value) in map) target[tp] = value;
        }
    }

    private ConsumerGroup? Restore(string groupId, int partition, GroupMetadataRecord? record, Dictionary<TopicPartition, OffsetCommitValue>? offsets)
    {
        if (record is null && (offsets is null || offsets.Count == 0)) return null;
        var group = new ConsumerGroup(groupId, partition, -1);
        lock (group.Sync)
        {
            if (offsets is not null) foreach (var (k, v) in offsets) group.Offsets[k] = v;
            if (record is null) return group;
            group.ProtocolType = record.ProtocolType;
            group.GenerationId = record.Generation;
            group.ProtocolName = record.Protocol;
            group.LeaderId = record.Leader;
            group.StateTimestampMs = record.CurrentStateTimestamp;
            foreach (var m in record.Members)
            {
                var member = new GroupMember(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost)
                {
                    SessionTimeoutMs = m.SessionTimeoutMs,
                    RebalanceTimeoutMs = m.RebalanceTimeoutMs,
                    Protocols = record.Protocol is { } p ? [(p, m.Subscription)] : [],
                    Assignment = m.Assignment,
                    HasSynced = true,
                };
                group.Members.Add(member);
                if (m.GroupInstanceId is { } instanceId) group.StaticMembers[instanceId] = m.MemberId;
            }

            group.State = group.Members.Count > 0 ? GroupState.Stable : GroupState.Empty;
            // Restored members keep their membership only if they keep heartbeating.
            foreach (var m in group.Members) ScheduleSession(group, m);
        }

        return group;
    }

    private void RunExpiry()
    {
        try
        {
            int expired = ExpireOffsets();
            if (expired > 0) LogOffsetsExpired(expired);
        }
        catch (Exception e)
        {
            LogExpiryFailed(e);
        }
    }
}
