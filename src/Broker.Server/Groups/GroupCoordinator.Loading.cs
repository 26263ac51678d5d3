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
    public bool IsLoaded(int partition) => _partitions.TryGetValue(partition, out bool loaded) && loaded;

    /// <summary>
    /// Takes ownership of an offsets partition (this broker became its leader): replays it into memory off the
    /// calling thread. Until the returned task completes, its groups answer COORDINATOR_LOAD_IN_PROGRESS. A partition
    /// already owned is left as it is.
    /// </summary>
    public Task LoadPartitionAsync(int partition)
    {
        if (!_partitions.TryAdd(partition, false)) return Task.CompletedTask;
        return Task.Run(() => Load(partition));
    }

    /// <summary>
    /// Gives up an offsets partition (leadership moved away): its groups are dropped from memory and waiting
    /// JoinGroup/SyncGroup requests answer NOT_COORDINATOR, so clients look the coordinator up again.
    /// </summary>
    public void UnloadPartition(int partition)
    {
        _partitions.TryRemove(partition, out _);
        foreach (var group in _groups.Values.Where(g => g.Partition == partition).ToList()) DropGroup(group);
        LogUnloaded(partition);
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

    private void Load(int partition)
    {
        var started = _time.GetTimestamp();
        try
        {
            var (offsets, metadata) = Replay(partition);
            var loaded = new List<ConsumerGroup>();
            foreach (string groupId in offsets.Keys.Union(metadata.Where(kv => kv.Value is not null).Select(kv => kv.Key)))
            {
                var group = Restore(groupId, partition, metadata.GetValueOrDefault(groupId), offsets.GetValueOrDefault(groupId));
                if (group is null) continue;
                _groups[groupId] = group;
                loaded.Add(group);
            }

            if (!_partitions.TryUpdate(partition, true, false))
            {
                foreach (var g in loaded) DropGroup(g); // unloaded while loading
                return;
            }

            LogLoaded(partition, loaded.Count, offsets.Values.Sum(o => o.Count), _time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            _partitions.TryRemove(partition, out _);
            LogLoadFailed(partition, e);
        }
    }

    private (Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>> Offsets, Dictionary<string, GroupMetadataRecord?> Groups) Replay(int partition)
    {
        var offsets = new Dictionary<string, Dictionary<TopicPartition, OffsetCommitValue>>(StringComparer.Ordinal);
        var groups = new Dictionary<string, GroupMetadataRecord?>(StringComparer.Ordinal);
        foreach (var chunk in _topic.ReadAll(partition))
        {
            var span = chunk.Span;
            while (span.Length >= RecordBatchHeader.Size && RecordBatchHeader.TryRead(span, out var header) && header.TotalSize <= span.Length)
            {
                var batch = span[..header.TotalSize];
                span = span[header.TotalSize..];
                if (header.IsControl) continue;
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
                            if (!offsets.TryGetValue(key.Group, out var map)) offsets[key.Group] = map = [];
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

        return (offsets, groups);
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
