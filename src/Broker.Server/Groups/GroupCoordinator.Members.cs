using Broker.Protocol;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// SyncGroup. Followers wait until the leader's SyncGroup brings the assignment and it is stored; in Stable every
    /// member gets its current assignment at once.
    /// </summary>
    public Task<SyncGroupResult> SyncGroupAsync(SyncGroupCommand cmd)
    {
        var error = CheckCoordinator(cmd.GroupId);
        if (error != ErrorCode.None) return Task.FromResult(SyncGroupResult.Fail(error));
        var group = TryGetGroup(cmd.GroupId);
        if (group is null) return Task.FromResult(SyncGroupResult.Fail(ErrorCode.UnknownMemberId));
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead) return Task.FromResult(SyncGroupResult.Fail(ErrorCode.CoordinatorNotAvailable));
            if (group.IsStaticMemberFenced(cmd.GroupInstanceId, cmd.MemberId)) return Task.FromResult(SyncGroupResult.Fail(ErrorCode.FencedInstanceId));
            var member = group.Find(cmd.MemberId);
            if (member is null) return Task.FromResult(SyncGroupResult.Fail(ErrorCode.UnknownMemberId));
            if (cmd.GenerationId != group.GenerationId) return Task.FromResult(SyncGroupResult.Fail(ErrorCode.IllegalGeneration));
            if ((cmd.ProtocolType is not null && cmd.ProtocolType != group.ProtocolType)
                || (cmd.ProtocolName is not null && cmd.ProtocolName != group.ProtocolName))
                return Task.FromResult(SyncGroupResult.Fail(ErrorCode.InconsistentGroupProtocol));
            switch (group.State)
            {
                case GroupState.Empty:
                    return Task.FromResult(SyncGroupResult.Fail(ErrorCode.UnknownMemberId));
                case GroupState.PreparingRebalance:
                    return Task.FromResult(SyncGroupResult.Fail(ErrorCode.RebalanceInProgress));
                case GroupState.Stable:
                    member.HasSynced = true;
                    ScheduleSession(group, member);
                    return Task.FromResult(new SyncGroupResult(ErrorCode.None, group.ProtocolType, group.ProtocolName, member.Assignment));
            }

            // CompletingRebalance
            member.HasSynced = true;
            member.AwaitingSync?.TrySetResult(SyncGroupResult.Fail(ErrorCode.RebalanceInProgress));
            member.AwaitingSync = new TaskCompletionSource<SyncGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = member.AwaitingSync.Task;
            ScheduleSession(group, member);
            if (member.MemberId == group.LeaderId)
            {
                // As Kafka: the group (with this assignment) is appended to __consumer_offsets and the members are
                // answered only once the append is acknowledged, so no member runs with an assignment a new
                // coordinator would not know. The group stays CompletingRebalance meanwhile.
                var byMember = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var (memberId, assignment) in cmd.Assignments) byMember[memberId] = assignment;
                var assignments = group.Members.ToDictionary(m => m.MemberId, m => byMember.TryGetValue(m.MemberId, out var a) ? a : [], StringComparer.Ordinal);
                _ = CompleteSyncAsync(group, group.GenerationId, assignments, StoreGroup(group, assignments));
            }

            return task;
        }
    }

    /// <summary>
    /// Ends CompletingRebalance once the leader's assignment of <paramref name="generation"/> is stored: on success
    /// the group becomes Stable and every waiting member gets its assignment; on failure every waiting member gets
    /// the mapped error and the group rebalances. Nothing happens when the group moved on meanwhile (a member left or
    /// joined, the partition was unloaded): whatever moved it answered the waiting members.
    /// </summary>
    private async Task CompleteSyncAsync(ConsumerGroup group, int generation, Dictionary<string, byte[]> assignments, ValueTask<ErrorCode> append)
    {
        ErrorCode error;
        try
        {
            error = await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAppendFailed(group.Partition, e);
            error = ErrorCode.CoordinatorNotAvailable;
        }

        lock (group.Sync)
        {
            if (group.State != GroupState.CompletingRebalance || group.GenerationId != generation) return;
            if (error != ErrorCode.None)
            {
                LogStoreFailed(group.GroupId, error.ToString());
                var answer = SyncErrorOf(error);
                foreach (var m in group.Members)
                {
                    m.Assignment = [];
                    m.AwaitingSync?.TrySetResult(SyncGroupResult.Fail(answer));
                    m.AwaitingSync = null;
                }

                PrepareRebalance(group, $"storing the assignment of generation {generation} failed ({error})");
                return;
            }

            foreach (var m in group.Members) m.Assignment = assignments.TryGetValue(m.MemberId, out var a) ? a : [];
            Transition(group, GroupState.Stable);
            foreach (var m in group.Members)
            {
                if (m.AwaitingSync is { } waiter)
                {
                    m.AwaitingSync = null;
                    waiter.TrySetResult(new SyncGroupResult(ErrorCode.None, group.ProtocolType, group.ProtocolName, m.Assignment));
                }
            }

            LogStabilized(group.GroupId, group.GenerationId, group.Members.Count);
        }
    }

    /// <summary>What a failed group-metadata append answers SyncGroup with (Kafka's mapping in storeGroup).</summary>
    private static ErrorCode SyncErrorOf(ErrorCode appendError) => appendError switch
    {
        ErrorCode.UnknownTopicOrPartition or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend
            or ErrorCode.RequestTimedOut => ErrorCode.CoordinatorNotAvailable,
        ErrorCode.NotLeaderOrFollower or ErrorCode.KafkaStorageError => ErrorCode.NotCoordinator,
        ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidFetchSize => ErrorCode.UnknownServerError,
        _ => appendError,
    };

    /// <summary>Heartbeat: keeps the session; REBALANCE_IN_PROGRESS tells the member to rejoin.</summary>
    public ErrorCode Heartbeat(string groupId, string memberId, string? groupInstanceId, int generationId)
    {
        var error = CheckCoordinator(groupId);
        if (error != ErrorCode.None) return error;
        var group = TryGetGroup(groupId);
        if (group is null) return ErrorCode.UnknownMemberId;
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead) return ErrorCode.CoordinatorNotAvailable;
            if (group.IsStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FencedInstanceId;
            var member = group.Find(memberId);
            if (member is null || group.State == GroupState.Empty) return ErrorCode.UnknownMemberId;
            if (generationId != group.GenerationId) return ErrorCode.IllegalGeneration;
            ScheduleSession(group, member);
            return group.State == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
        }
    }

    /// <summary>
    /// LeaveGroup for one or more members (v3+ batches; a member may be named by group.instance.id alone).
    /// Returns the top-level error and one error per requested member.
    /// </summary>
    public (ErrorCode Error, IReadOnlyList<ErrorCode> MemberErrors) LeaveGroup(string groupId, IReadOnlyList<(string MemberId, string? GroupInstanceId)> members)
    {
        var error = CheckCoordinator(groupId);
        if (error != ErrorCode.None) return (error, members.Select(_ => error).ToList());
        var group = TryGetGroup(groupId);
        if (group is null) return (ErrorCode.None, members.Select(_ => ErrorCode.UnknownMemberId).ToList());
        var results = new List<ErrorCode>(members.Count);
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead) return (ErrorCode.CoordinatorNotAvailable, members.Select(_ => ErrorCode.CoordinatorNotAvailable).ToList());
            foreach (var (memberId, instanceId) in members)
            {
                string? id = memberId;
                if (instanceId is not null)
                {
                    if (!group.StaticMembers.TryGetValue(instanceId, out var known)) id = memberId.Length == 0 ? null : memberId;
                    else if (memberId.Length > 0 && memberId != known)
                    {
                        results.Add(ErrorCode.FencedInstanceId);
                        continue;
                    }
                    else id = known;
                }

                if (id is not null && group.PendingMembers.Remove(id, out var timer))
                {
                    timer?.Dispose();
                    results.Add(ErrorCode.None);
                    if (group.State == GroupState.PreparingRebalance) TryCompleteJoin(group);
                    continue;
                }

                var member = id is null ? null : group.Find(id);
                if (member is null)
                {
                    results.Add(ErrorCode.UnknownMemberId);
                    continue;
                }

                RemoveMemberAndUpdateGroup(group, member, "the member left the group");
                results.Add(ErrorCode.None);
            }
        }

        return (ErrorCode.None, results);
    }
}
