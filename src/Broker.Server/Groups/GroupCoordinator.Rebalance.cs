using Broker.Protocol;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// Enters PreparingRebalance. A group coming from Empty waits group.initial.rebalance.delay.ms (extended while new
    /// members keep arriving, up to the rebalance timeout); otherwise the join completes as soon as every known member
    /// rejoined, or when the rebalance timeout passes. Call under the group lock.
    /// </summary>
    private void PrepareRebalance(ConsumerGroup group, string reason)
    {
        if (group.State == GroupState.CompletingRebalance)
        {
            // The assignment of this generation will never come: the syncing members must rejoin.
            foreach (var m in group.Members)
            {
                m.AwaitingSync?.TrySetResult(SyncGroupResult.Fail(ErrorCode.RebalanceInProgress));
                m.AwaitingSync = null;
                m.Assignment = [];
            }
        }

        bool fromEmpty = group.State == GroupState.Empty;
        Transition(group, GroupState.PreparingRebalance);
        LogPreparingRebalance(group.GroupId, group.GenerationId, reason);
        int token = NewPhase(group);
        int rebalanceTimeout = group.RebalanceTimeoutMs;
        if (fromEmpty && _options.InitialRebalanceDelayMs > 0)
        {
            int delay = Math.Min(_options.InitialRebalanceDelayMs, rebalanceTimeout);
            group.InInitialDelay = true;
            group.NewMemberAdded = false;
            group.InitialDelayRemainingMs = Math.Max(0, rebalanceTimeout - delay);
            group.PhaseTimer = StartTimer(() => OnInitialDelayExpired(group, token), delay);
            return;
        }

        group.PhaseTimer = StartTimer(() => OnPhaseTimeout(group, token, GroupState.PreparingRebalance), rebalanceTimeout);
        TryCompleteJoin(group);
    }

    private void OnInitialDelayExpired(ConsumerGroup group, int token)
    {
        lock (group.Sync)
        {
            if (group.PhaseToken != token || group.State != GroupState.PreparingRebalance) return;
            if (group.NewMemberAdded && group.InitialDelayRemainingMs > 0)
            {
                long delay = Math.Min(_options.InitialRebalanceDelayMs, group.InitialDelayRemainingMs);
                group.InitialDelayRemainingMs = Math.Max(0, group.InitialDelayRemainingMs - _options.InitialRebalanceDelayMs);
                group.NewMemberAdded = false;
                group.PhaseTimer?.Dispose();
                group.PhaseTimer = StartTimer(() => OnInitialDelayExpired(group, token), delay);
                return;
            }

            group.InInitialDelay = false;
            CompleteJoin(group);
        }
    }

    /// <summary>Rebalance timeout (PreparingRebalance) or pending-sync timeout (CompletingRebalance/Stable).</summary>
    private void OnPhaseTimeout(ConsumerGroup group, int token, GroupState phase)
    {
        lock (group.Sync)
        {
            if (group.PhaseToken != token) return;
            if (phase == GroupState.PreparingRebalance && group.State == GroupState.PreparingRebalance)
            {
                CompleteJoin(group);
                return;
            }

            if (group.State is GroupState.CompletingRebalance or GroupState.Stable)
            {
                // Members that never sent SyncGroup within the rebalance timeout are gone (Kafka's pending-sync expiry).
                var missing = group.Members.Where(m => !m.HasSynced).ToList();
                if (missing.Count == 0) return;
                foreach (var m in missing)
                {
                    LogMemberRemoved(group.GroupId, m.MemberId, "no SyncGroup within the rebalance timeout");
                    RemoveMember(group, m);
                }

                PrepareRebalance(group, "members failed to sync");
            }
        }
    }

    private void TryCompleteJoin(ConsumerGroup group)
    {
        if (group.State == GroupState.PreparingRebalance && !group.InInitialDelay && group.AllMembersJoined) CompleteJoin(group);
    }

    /// <summary>Ends PreparingRebalance: drops dynamic members that did not rejoin, starts the next generation, answers every waiting JoinGroup.</summary>
    private void CompleteJoin(ConsumerGroup group)
    {
        group.PhaseTimer?.Dispose();
        group.PhaseTimer = null;
        group.InInitialDelay = false;
        foreach (var m in group.Members.Where(m => m.AwaitingJoin is null && m.GroupInstanceId is null).ToList())
        {
            LogMemberRemoved(group.GroupId, m.MemberId, "did not rejoin before the rebalance timeout");
            RemoveMember(group, m);
        }

        group.GenerationId++;
        if (group.Members.Count == 0)
        {
            group.ProtocolName = null;
            group.LeaderId = null;
            Transition(group, GroupState.Empty);
            LogGenerationCompleted(group.GroupId, group.GenerationId, "(none)", 0);
            ObserveAppend(StoreGroup(group), group.GroupId);
            return;
        }

        group.ProtocolName = group.SelectProtocol();
        if (group.LeaderId is null || group.Find(group.LeaderId) is null) group.LeaderId = group.Members[0].MemberId;
        Transition(group, GroupState.CompletingRebalance);
        LogGenerationCompleted(group.GroupId, group.GenerationId, group.ProtocolName, group.Members.Count);
        var leaderView = LeaderView(group);
        foreach (var m in group.Members)
        {
            m.HasSynced = false;
            m.Assignment = [];
            if (m.AwaitingJoin is { } waiter)
            {
                m.AwaitingJoin = null;
                waiter.TrySetResult(new JoinGroupResult(ErrorCode.None, group.GenerationId, group.ProtocolType, group.ProtocolName,
                    group.LeaderId, m.MemberId, m.MemberId == group.LeaderId ? leaderView : []));
            }

            ScheduleSession(group, m);
        }

        int token = NewPhase(group);
        group.PhaseTimer = StartTimer(() => OnPhaseTimeout(group, token, GroupState.CompletingRebalance), group.RebalanceTimeoutMs);
    }

    /// <summary>Removes a member (left, expired or fenced) and moves the group on. Call under the group lock.</summary>
    private void RemoveMemberAndUpdateGroup(ConsumerGroup group, GroupMember member, string reason)
    {
        LogMemberRemoved(group.GroupId, member.MemberId, reason);
        RemoveMember(group, member);
        switch (group.State)
        {
            case GroupState.Stable or GroupState.CompletingRebalance:
                PrepareRebalance(group, $"removing member {member.MemberId}: {reason}");
                break;
            case GroupState.PreparingRebalance:
                TryCompleteJoin(group);
                break;
        }
    }

    private static void RemoveMember(ConsumerGroup group, GroupMember member)
    {
        member.SessionTimer?.Dispose();
        member.SessionTimer = null;
        group.Members.Remove(member);
        if (member.GroupInstanceId is { } instanceId && group.StaticMembers.TryGetValue(instanceId, out var id) && id == member.MemberId)
            group.StaticMembers.Remove(instanceId);
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Fail(ErrorCode.UnknownMemberId, member.MemberId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Fail(ErrorCode.UnknownMemberId));
        member.AwaitingSync = null;
        if (group.LeaderId == member.MemberId) group.LeaderId = group.Members.Count > 0 ? group.Members[0].MemberId : null;
    }

    /// <summary>(Re)starts the member's session: it is expired unless it heartbeats within its session timeout.</summary>
    private void ScheduleSession(ConsumerGroup group, GroupMember member)
    {
        member.SessionDeadlineMs = NowMs() + member.SessionTimeoutMs;
        if (member.SessionTimer is null) member.SessionTimer = StartTimer(() => OnSessionTimer(group, member), member.SessionTimeoutMs);
        else member.SessionTimer.Change(TimeSpan.FromMilliseconds(member.SessionTimeoutMs), Timeout.InfiniteTimeSpan);
    }

    private void OnSessionTimer(ConsumerGroup group, GroupMember member)
    {
        lock (group.Sync)
        {
            if (!group.Members.Contains(member)) return;
            long remaining = member.SessionDeadlineMs - NowMs();
            if (remaining > 0)
            {
                member.SessionTimer?.Change(TimeSpan.FromMilliseconds(remaining), Timeout.InfiniteTimeSpan);
                return;
            }

            // Members parked in JoinGroup/SyncGroup are alive: their request is the heartbeat.
            if (member.AwaitingJoin is not null || member.AwaitingSync is not null)
            {
                ScheduleSession(group, member);
                return;
            }

            RemoveMemberAndUpdateGroup(group, member, $"session timeout of {member.SessionTimeoutMs} ms expired");
        }
    }

    private void Transition(ConsumerGroup group, GroupState state)
    {
        group.State = state;
        group.StateTimestampMs = NowMs();
    }

    private static int NewPhase(ConsumerGroup group)
    {
        group.PhaseTimer?.Dispose();
        group.PhaseTimer = null;
        return ++group.PhaseToken;
    }

    /// <summary>Forgets a group that has nothing worth keeping (no members, offsets or stored generation).</summary>
    private void MaybeRemoveEmptyGroup(ConsumerGroup group)
    {
        if (group.State == GroupState.Empty && group.Members.Count == 0 && group.PendingMembers.Count == 0
            && group.Offsets.Count == 0 && group.GenerationId == 0)
        {
            group.State = GroupState.Dead;
            _groups.TryRemove(new KeyValuePair<string, ConsumerGroup>(group.GroupId, group));
        }
    }
}
