using Broker.Protocol;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// JoinGroup. The task completes when the rebalance completes (or at once for errors, MEMBER_ID_REQUIRED and
    /// rejoins that need no rebalance). Never blocks the caller.
    /// </summary>
    public Task<JoinGroupResult> JoinGroupAsync(JoinGroupCommand cmd)
    {
        var error = CheckCoordinator(cmd.GroupId);
        if (error != ErrorCode.None) return Task.FromResult(JoinGroupResult.Fail(error, cmd.MemberId));
        if (cmd.SessionTimeoutMs < _options.MinSessionTimeoutMs || cmd.SessionTimeoutMs > _options.MaxSessionTimeoutMs)
            return Task.FromResult(JoinGroupResult.Fail(ErrorCode.InvalidSessionTimeout, cmd.MemberId));
        bool unknownMember = cmd.MemberId.Length == 0;
        var group = unknownMember ? GetOrCreateGroup(cmd.GroupId) : TryGetGroup(cmd.GroupId);
        if (group is null) return Task.FromResult(JoinGroupResult.Fail(ErrorCode.UnknownMemberId, cmd.MemberId));
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead)
                return Task.FromResult(JoinGroupResult.Fail(ErrorCode.CoordinatorNotAvailable, cmd.MemberId));
            if (!group.SupportsProtocols(cmd.ProtocolType, cmd.Protocols))
                return Task.FromResult(JoinGroupResult.Fail(ErrorCode.InconsistentGroupProtocol, cmd.MemberId));
            return unknownMember ? JoinUnknownMember(group, cmd) : JoinKnownMember(group, cmd);
        }
    }

    private Task<JoinGroupResult> JoinUnknownMember(ConsumerGroup group, JoinGroupCommand cmd)
    {
        string memberId = NewMemberId(cmd.ClientId);
        if (cmd.GroupInstanceId is { } instanceId && group.StaticMembers.TryGetValue(instanceId, out var oldId))
            return RejoinStaticMember(group, cmd, group.Find(oldId)!, memberId);
        if (group.Members.Count + group.PendingMembers.Count >= _options.MaxGroupSize)
            return Task.FromResult(JoinGroupResult.Fail(ErrorCode.GroupMaxSizeReached));
        if (cmd.RequireKnownMemberId && cmd.GroupInstanceId is null)
        {
            // KIP-394: hand out the id first; the member exists only once it joins again with it.
            group.PendingMembers[memberId] = StartTimer(() => ExpirePending(group, memberId), cmd.SessionTimeoutMs);
            return Task.FromResult(JoinGroupResult.Fail(ErrorCode.MemberIdRequired, memberId));
        }

        return AddMemberAndRebalance(group, cmd, memberId);
    }

    private Task<JoinGroupResult> JoinKnownMember(ConsumerGroup group, JoinGroupCommand cmd)
    {
        if (group.PendingMembers.Remove(cmd.MemberId, out var pendingTimer))
        {
            pendingTimer?.Dispose();
            return AddMemberAndRebalance(group, cmd, cmd.MemberId);
        }

        if (group.IsStaticMemberFenced(cmd.GroupInstanceId, cmd.MemberId))
            return Task.FromResult(JoinGroupResult.Fail(ErrorCode.FencedInstanceId, cmd.MemberId));
        var member = group.Find(cmd.MemberId);
        if (member is null || group.State is GroupState.Empty or GroupState.Dead)
            return Task.FromResult(JoinGroupResult.Fail(ErrorCode.UnknownMemberId, cmd.MemberId));
        if (cmd.GroupInstanceId is { } instanceId) group.StaticMembers[instanceId] = member.MemberId;

        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                return UpdateMemberAndRebalance(group, member, cmd);
            case GroupState.CompletingRebalance:
                if (member.Matches(cmd.Protocols))
                {
                    // A lost JoinGroup response: resend it, as Kafka does.
                    ScheduleSession(group, member);
                    return Task.FromResult(CurrentJoinResult(group, member));
                }

                return UpdateMemberAndRebalance(group, member, cmd);
            default: // Stable
                if (member.MemberId == group.LeaderId || !member.Matches(cmd.Protocols))
                    return UpdateMemberAndRebalance(group, member, cmd);
                ScheduleSession(group, member);
                return Task.FromResult(CurrentJoinResult(group, member));
        }
    }

    /// <summary>A static member came back with no member id: it takes over its old membership under a fresh id.</summary>
    private Task<JoinGroupResult> RejoinStaticMember(ConsumerGroup group, JoinGroupCommand cmd, GroupMember member, string newMemberId)
    {
        string oldId = member.MemberId;
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Fail(ErrorCode.FencedInstanceId, oldId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Fail(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;
        member.MemberId = newMemberId;
        group.StaticMembers[cmd.GroupInstanceId!] = newMemberId;
        if (group.LeaderId == oldId) group.LeaderId = newMemberId;
        member.ClientId = cmd.ClientId;
        member.ClientHost = cmd.ClientHost;
        member.SessionTimeoutMs = cmd.SessionTimeoutMs;
        member.RebalanceTimeoutMs = RebalanceTimeout(cmd);
        LogStaticRejoin(group.GroupId, cmd.GroupInstanceId!, oldId, newMemberId);
        if (group.State == GroupState.Stable && member.Matches(cmd.Protocols))
        {
            ScheduleSession(group, member);
            ObserveAppend(StoreGroup(group), group.GroupId);
            return Task.FromResult(CurrentJoinResult(group, member));
        }

        return UpdateMemberAndRebalance(group, member, cmd);
    }

    private Task<JoinGroupResult> AddMemberAndRebalance(ConsumerGroup group, JoinGroupCommand cmd, string memberId)
    {
        var member = new GroupMember(memberId, cmd.GroupInstanceId, cmd.ClientId, cmd.ClientHost)
        {
            SessionTimeoutMs = cmd.SessionTimeoutMs,
            RebalanceTimeoutMs = RebalanceTimeout(cmd),
            Protocols = cmd.Protocols,
            AwaitingJoin = NewJoinWaiter(),
        };
        if (group.Members.Count == 0) group.ProtocolType = cmd.ProtocolType;
        group.Members.Add(member);
        if (cmd.GroupInstanceId is { } instanceId) group.StaticMembers[instanceId] = memberId;
        if (group.State == GroupState.PreparingRebalance && group.GenerationId == 0) group.NewMemberAdded = true;
        LogMemberJoined(group.GroupId, memberId, cmd.ClientId, cmd.ClientHost);
        var task = member.AwaitingJoin.Task;
        MaybePrepareRebalanceOrComplete(group, $"member {memberId} joined");
        return task;
    }

    private Task<JoinGroupResult> UpdateMemberAndRebalance(ConsumerGroup group, GroupMember member, JoinGroupCommand cmd)
    {
        member.Protocols = cmd.Protocols;
        member.SessionTimeoutMs = cmd.SessionTimeoutMs;
        member.RebalanceTimeoutMs = RebalanceTimeout(cmd);
        member.ClientId = cmd.ClientId;
        member.ClientHost = cmd.ClientHost;
        // A second JoinGroup from the same member replaces the first (whose connection is gone or which timed out).
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Fail(ErrorCode.UnknownMemberId, member.MemberId));
        member.AwaitingJoin = NewJoinWaiter();
        var task = member.AwaitingJoin.Task;
        MaybePrepareRebalanceOrComplete(group, $"member {member.MemberId} rejoined");
        return task;
    }

    private void MaybePrepareRebalanceOrComplete(ConsumerGroup group, string reason)
    {
        if (group.State == GroupState.PreparingRebalance) TryCompleteJoin(group);
        else PrepareRebalance(group, reason);
    }

    private JoinGroupResult CurrentJoinResult(ConsumerGroup group, GroupMember member)
    {
        bool isLeader = member.MemberId == group.LeaderId;
        return new JoinGroupResult(ErrorCode.None, group.GenerationId, group.ProtocolType, group.ProtocolName,
            group.LeaderId ?? "", member.MemberId, isLeader ? LeaderView(group) : []);
    }

    private static IReadOnlyList<JoinedMember> LeaderView(ConsumerGroup group) =>
        group.Members.Select(m => new JoinedMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(group.ProtocolName!) ?? [])).ToList();

    private static int RebalanceTimeout(JoinGroupCommand cmd) => cmd.RebalanceTimeoutMs > 0 ? cmd.RebalanceTimeoutMs : cmd.SessionTimeoutMs;

    private static TaskCompletionSource<JoinGroupResult> NewJoinWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void ExpirePending(ConsumerGroup group, string memberId)
    {
        lock (group.Sync)
        {
            if (!group.PendingMembers.Remove(memberId, out var timer)) return;
            timer?.Dispose();
            if (group.State == GroupState.PreparingRebalance) TryCompleteJoin(group);
            else if (group.State == GroupState.Empty && group.Members.Count == 0) MaybeRemoveEmptyGroup(group);
        }
    }
}
