using System.Text;
using Broker.Protocol;
using Broker.Server.Groups.Records;
using Broker.Storage;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// OffsetCommit. A commit with generation -1 (and no member id) into a group without members is a standalone
    /// commit, as kafka-python's and kcat's manual assignments send; otherwise the member and generation must be
    /// current. Answers after the records are appended. Returns the top-level error (all partitions share it) or None
    /// and per-partition errors.
    /// </summary>
    public async Task<IReadOnlyList<ErrorCode>> CommitOffsetsAsync(OffsetCommitCommand cmd)
    {
        var error = CheckCoordinator(cmd.GroupId, allowEmpty: true);
        if (error != ErrorCode.None) return cmd.Entries.Select(_ => error).ToList();
        var group = cmd.GenerationId < 0 ? GetOrCreateGroup(cmd.GroupId) : TryGetGroup(cmd.GroupId);
        if (group is null) return cmd.Entries.Select(_ => ErrorCode.IllegalGeneration).ToList();

        var results = new ErrorCode[cmd.Entries.Count];
        var written = new List<(TopicPartition Key, OffsetCommitValue Value, OffsetCommitValue? Previous)>();
        ValueTask<ErrorCode> append;
        lock (group.Sync)
        {
            error = ValidateCommit(group, cmd);
            if (error != ErrorCode.None) return cmd.Entries.Select(_ => error).ToList();
            long now = NowMs();
            var records = new List<(byte[], byte[]?)>();
            for (int i = 0; i < cmd.Entries.Count; i++)
            {
                var e = cmd.Entries[i];
                string metadata = e.Metadata ?? "";
                if (Encoding.UTF8.GetByteCount(metadata) > _options.OffsetMetadataMaxBytes)
                {
                    results[i] = ErrorCode.OffsetMetadataTooLarge;
                    continue;
                }

                if (!_topic.PartitionExists(e.Topic, e.Partition))
                {
                    results[i] = ErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                long commitTs = e.CommitTimestamp >= 0 ? e.CommitTimestamp : now;
                long expireTs = cmd.RetentionTimeMs >= 0 ? commitTs + cmd.RetentionTimeMs
                    : e.CommitTimestamp >= 0 ? commitTs + _options.OffsetsRetentionMs : -1;
                var value = new OffsetCommitValue(e.Offset, e.LeaderEpoch, metadata, commitTs, expireTs);
                var key = new TopicPartition(e.Topic, e.Partition);
                records.Add((OffsetsRecordCodec.EncodeOffsetKey(new OffsetCommitKey(cmd.GroupId, e.Topic, e.Partition)), OffsetsRecordCodec.EncodeOffsetValue(value)));
                written.Add((key, value, group.Offsets.TryGetValue(key, out var previous) ? previous : null));
                group.Offsets[key] = value;
            }

            append = Append(group.Partition, records);
        }

        var appendError = await append.ConfigureAwait(false);
        if (appendError != ErrorCode.None)
        {
            lock (group.Sync)
            {
                foreach (var (key, value, previous) in written)
                {
                    if (!group.Offsets.TryGetValue(key, out var current) || !ReferenceEquals(current, value)) continue;
                    if (previous is null) group.Offsets.Remove(key);
                    else group.Offsets[key] = previous;
                }
            }

            var mapped = appendError is ErrorCode.NotCoordinator or ErrorCode.NotLeaderOrFollower ? ErrorCode.NotCoordinator
                : appendError is ErrorCode.RecordListTooLarge or ErrorCode.MessageTooLarge ? ErrorCode.InvalidCommitOffsetSize
                : ErrorCode.CoordinatorNotAvailable;
            for (int i = 0; i < results.Length; i++) if (results[i] == ErrorCode.None) results[i] = mapped;
        }

        return results;
    }

    private static ErrorCode ValidateCommit(ConsumerGroup group, OffsetCommitCommand cmd)
    {
        if (group.State == GroupState.Dead) return ErrorCode.CoordinatorNotAvailable;
        if (cmd.GenerationId < 0 && group.State == GroupState.Empty) return ErrorCode.None;
        if (group.IsStaticMemberFenced(cmd.GroupInstanceId, cmd.MemberId)) return ErrorCode.FencedInstanceId;
        if (group.State == GroupState.CompletingRebalance) return ErrorCode.RebalanceInProgress;
        if (group.Find(cmd.MemberId) is null) return ErrorCode.UnknownMemberId;
        return cmd.GenerationId != group.GenerationId ? ErrorCode.IllegalGeneration : ErrorCode.None;
    }

    /// <summary>
    /// OffsetFetch for one group: the requested partitions (null = every committed partition). Partitions without a
    /// commit answer offset -1. Returns the group-level error (coordinator errors) or None with the offsets.
    /// </summary>
    public (ErrorCode Error, IReadOnlyList<FetchedOffset> Offsets) FetchOffsets(string groupId, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? topics)
    {
        var error = CheckCoordinator(groupId, allowEmpty: true);
        if (error != ErrorCode.None) return (error, []);
        var group = TryGetGroup(groupId);
        var result = new List<FetchedOffset>();
        if (group is null)
        {
            if (topics is not null)
            {
                foreach (var (topic, partitions) in topics)
                    result.AddRange(partitions.Select(p => new FetchedOffset(topic, p, -1, -1, "", ErrorCode.None)));
            }

            return (ErrorCode.None, result);
        }

        lock (group.Sync)
        {
            if (topics is null)
            {
                foreach (var (key, value) in group.Offsets.OrderBy(kv => kv.Key.Topic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partition))
                    result.Add(new FetchedOffset(key.Topic, key.Partition, value.Offset, value.LeaderEpoch, value.Metadata, ErrorCode.None));
                return (ErrorCode.None, result);
            }

            foreach (var (topic, partitions) in topics)
            {
                foreach (int p in partitions)
                {
                    result.Add(group.Offsets.TryGetValue(new TopicPartition(topic, p), out var value)
                        ? new FetchedOffset(topic, p, value.Offset, value.LeaderEpoch, value.Metadata, ErrorCode.None)
                        : new FetchedOffset(topic, p, -1, -1, "", ErrorCode.None));
                }
            }
        }

        return (ErrorCode.None, result);
    }

    /// <summary>
    /// OffsetDelete: removes committed offsets (tombstones). Partitions of topics a consumer group with members still
    /// subscribes to answer GROUP_SUBSCRIBED_TO_TOPIC; a non-consumer group with members is NON_EMPTY_GROUP.
    /// </summary>
    public async Task<(ErrorCode Error, IReadOnlyList<ErrorCode> PartitionErrors)> DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        var error = CheckCoordinator(groupId);
        if (error != ErrorCode.None) return (error, []);
        var group = TryGetGroup(groupId);
        if (group is null) return (ErrorCode.GroupIdNotFound, []);
        var results = new ErrorCode[partitions.Count];
        ValueTask<ErrorCode> append;
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead) return (ErrorCode.GroupIdNotFound, []);
            HashSet<string>? subscribed = null;
            if (group.State != GroupState.Empty)
            {
                subscribed = group.SubscribedTopics();
                if (subscribed is null) return (ErrorCode.NonEmptyGroup, []);
            }

            var records = new List<(byte[], byte[]?)>();
            for (int i = 0; i < partitions.Count; i++)
            {
                var (topic, partition) = partitions[i];
                if (subscribed is not null && subscribed.Contains(topic))
                {
                    results[i] = ErrorCode.GroupSubscribedToTopic;
                    continue;
                }

                if (group.Offsets.Remove(new TopicPartition(topic, partition)))
                    records.Add((OffsetsRecordCodec.EncodeOffsetKey(new OffsetCommitKey(groupId, topic, partition)), null));
            }

            append = Append(group.Partition, records);
        }

        var appendError = await append.ConfigureAwait(false);
        return (appendError == ErrorCode.None ? ErrorCode.None : ErrorCode.CoordinatorNotAvailable, results);
    }

    /// <summary>
    /// One pass of offsets.retention.minutes: in Empty groups, offsets older than the retention (counted from when
    /// the group became empty, or from the commit for groups that never had members; an explicit expire timestamp
    /// wins) are tombstoned, and a group left with nothing is tombstoned too. Returns the number of expired offsets.
    /// </summary>
    public int ExpireOffsets()
    {
        int expired = 0;
        long now = NowMs();
        foreach (var group in _groups.Values)
        {
            lock (group.Sync)
            {
                if (group.State != GroupState.Empty) continue;
                var records = new List<(byte[], byte[]?)>();
                foreach (var (key, value) in group.Offsets.ToList())
                {
                    long baseTs = !string.IsNullOrEmpty(group.ProtocolType) && group.StateTimestampMs >= 0 ? group.StateTimestampMs : value.CommitTimestamp;
                    bool isExpired = value.ExpireTimestamp >= 0 ? now >= value.ExpireTimestamp : now - baseTs >= _options.OffsetsRetentionMs;
                    if (!isExpired) continue;
                    group.Offsets.Remove(key);
                    records.Add((OffsetsRecordCodec.EncodeOffsetKey(new OffsetCommitKey(group.GroupId, key.Topic, key.Partition)), null));
                    expired++;
                }

                if (group.Offsets.Count == 0 && group.Members.Count == 0 && group.PendingMembers.Count == 0)
                {
                    records.Add((OffsetsRecordCodec.EncodeGroupKey(group.GroupId), null));
                    group.State = GroupState.Dead;
                    _groups.TryRemove(new KeyValuePair<string, ConsumerGroup>(group.GroupId, group));
                    LogGroupExpired(group.GroupId);
                }

                if (records.Count > 0) ObserveAppend(Append(group.Partition, records), group.GroupId);
            }
        }

        return expired;
    }
}
