using Broker.Protocol;
using Broker.Server.Groups.Records;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// ListGroups: the groups of every loaded partition, optionally only those in <paramref name="states"/>
    /// (Kafka state names, case-insensitive). Returns COORDINATOR_LOAD_IN_PROGRESS while a partition loads.
    /// </summary>
    public (ErrorCode Error, IReadOnlyList<GroupListing> Groups) ListGroups(IReadOnlyCollection<string>? states = null)
    {
        var error = _partitions.Values.Any(owned => !owned.Loaded) ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.None;
        var wanted = states is { Count: > 0 } ? states.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var list = new List<GroupListing>();
        foreach (var group in _groups.Values)
        {
            lock (group.Sync)
            {
                if (group.State == GroupState.Dead) continue;
                if (!_partitions.TryGetValue(group.Partition, out var owned) || !owned.Loaded) continue;
                if (wanted is not null && !wanted.Contains(group.State.ToString())) continue;
                list.Add(new GroupListing(group.GroupId, group.ProtocolType ?? "", group.State));
            }
        }

        return (error, list.OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList());
    }

    /// <summary>DescribeGroups for one group. Unknown groups are reported as Dead without error, as Kafka does.</summary>
    public GroupDescription DescribeGroup(string groupId)
    {
        var error = CheckCoordinator(groupId, allowEmpty: true);
        if (error != ErrorCode.None) return new GroupDescription(error, groupId, GroupState.Dead, "", "", []);
        var group = TryGetGroup(groupId);
        if (group is null) return new GroupDescription(ErrorCode.None, groupId, GroupState.Dead, "", "", []);
        lock (group.Sync)
        {
            bool stable = group.State == GroupState.Stable;
            var members = group.Members.Select(m => new MemberDescription(
                m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                stable ? m.MetadataFor(group.ProtocolName!) ?? [] : [],
                stable ? m.Assignment : [])).ToList();
            return new GroupDescription(ErrorCode.None, groupId, group.State, group.ProtocolType ?? "",
                stable ? group.ProtocolName ?? "" : "", members);
        }
    }

    /// <summary>DeleteGroups for one group: only groups without members; offsets and group are tombstoned.</summary>
    public async Task<ErrorCode> DeleteGroupAsync(string groupId)
    {
        var error = CheckCoordinator(groupId, allowEmpty: true);
        if (error != ErrorCode.None) return error;
        var group = TryGetGroup(groupId);
        if (group is null) return ErrorCode.GroupIdNotFound;
        ValueTask<ErrorCode> append;
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead) return ErrorCode.GroupIdNotFound;
            if (group.State != GroupState.Empty || group.Members.Count > 0) return ErrorCode.NonEmptyGroup;
            var records = group.Offsets.Keys
                .Select(k => (OffsetsRecordCodec.EncodeOffsetKey(new OffsetCommitKey(groupId, k.Topic, k.Partition)), (byte[]?)null))
                .Append((OffsetsRecordCodec.EncodeGroupKey(groupId), null))
                .ToList();
            group.Offsets.Clear();
            foreach (var timer in group.PendingMembers.Values) timer?.Dispose();
            group.PendingMembers.Clear();
            group.PhaseTimer?.Dispose();
            group.State = GroupState.Dead;
            _groups.TryRemove(new KeyValuePair<string, ConsumerGroup>(groupId, group));
            append = Append(group.Partition, records);
        }

        LogGroupDeleted(groupId);
        return await append.ConfigureAwait(false) == ErrorCode.None ? ErrorCode.None : ErrorCode.CoordinatorNotAvailable;
    }
}
