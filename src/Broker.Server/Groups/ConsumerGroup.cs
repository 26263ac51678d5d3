using Broker.Server.Groups.Records;
using Broker.Storage;

namespace Broker.Server.Groups;

/// <summary>
/// A classic group: membership, generation, selected protocol and committed offsets. Every member of this class is
/// guarded by <see cref="Sync"/> (one lock per group); nothing here blocks or awaits while holding it.
/// </summary>
internal sealed class ConsumerGroup
{
    public ConsumerGroup(string groupId, int partition, long nowMs)
    {
        GroupId = groupId;
        Partition = partition;
        StateTimestampMs = nowMs;
    }

    public Lock Sync { get; } = new();

    public string GroupId { get; }

    /// <summary>The <c>__consumer_offsets</c> partition holding this group's records.</summary>
    public int Partition { get; }

    public GroupState State { get; set; } = GroupState.Empty;

    /// <summary>Unix ms of the last state change; -1 when unknown (group loaded from a v0/v1 record).</summary>
    public long StateTimestampMs { get; set; }

    public int GenerationId { get; set; }

    /// <summary>Null or empty for groups that only commit offsets (standalone consumers).</summary>
    public string? ProtocolType { get; set; }

    public string? ProtocolName { get; set; }

    public string? LeaderId { get; set; }

    /// <summary>Members by id, in join order (the first remaining member becomes leader when the leader leaves).</summary>
    public List<GroupMember> Members { get; } = [];

    /// <summary>group.instance.id → member id of static members.</summary>
    public Dictionary<string, string> StaticMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers.</summary>
    public Dictionary<string, ITimer?> PendingMembers { get; } = new(StringComparer.Ordinal);

    public Dictionary<TopicPartition, OffsetCommitValue> Offsets { get; } = [];

    /// <summary>
    /// Offsets committed inside transactions (TxnOffsetCommit), by producer id, not visible until the transaction's
    /// commit marker reaches the group's partition (then they move to <see cref="Offsets"/>; an abort drops them).
    /// </summary>
    public Dictionary<long, Dictionary<TopicPartition, OffsetCommitValue>> PendingTxnOffsets { get; } = [];

    /// <summary>Rebalance / initial delay / pending-sync timer of the current phase.</summary>
    public ITimer? PhaseTimer { get; set; }

    /// <summary>Incremented on each phase change so a stale timer callback recognises itself and does nothing.</summary>
    public int PhaseToken { get; set; }

    /// <summary>True while the initial delay of a new group's first rebalance runs (join cannot complete early).</summary>
    public bool InInitialDelay { get; set; }

    public bool NewMemberAdded { get; set; }

    public long InitialDelayRemainingMs { get; set; }

    public GroupMember? Find(string memberId)
    {
        foreach (var m in Members)
        {
            if (m.MemberId == memberId) return m;
        }

        return null;
    }

    public bool IsStaticMemberFenced(string? instanceId, string memberId) =>
        instanceId is not null && StaticMembers.TryGetValue(instanceId, out var known) && known != memberId;

    public bool AllMembersJoined => PendingMembers.Count == 0 && Members.TrueForAll(m => m.AwaitingJoin is not null);

    public int RebalanceTimeoutMs => Members.Count == 0 ? 0 : Members.Max(m => m.RebalanceTimeoutMs);

    /// <summary>Protocols every member supports (Kafka's candidate set).</summary>
    public HashSet<string> CandidateProtocols()
    {
        HashSet<string>? set = null;
        foreach (var m in Members)
        {
            var names = m.Protocols.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (set is null) set = names;
            else set.IntersectWith(names);
        }

        return set ?? [];
    }

    /// <summary>Kafka's vote: each member votes for its most preferred candidate; most votes wins (ties: earliest member's choice).</summary>
    public string SelectProtocol()
    {
        var candidates = CandidateProtocols();
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var m in Members)
        {
            string choice = m.Protocols.First(p => candidates.Contains(p.Name)).Name;
            if (!votes.TryAdd(choice, 1)) votes[choice]++;
            else order.Add(choice);
        }

        return order.OrderByDescending(p => votes[p]).First();
    }

    public bool SupportsProtocols(string protocolType, IReadOnlyList<(string Name, byte[] Metadata)> protocols)
    {
        if (Members.Count == 0) return !string.IsNullOrEmpty(protocolType) && protocols.Count > 0;
        if (protocolType != ProtocolType) return false;
        var candidates = CandidateProtocols();
        return protocols.Any(p => candidates.Contains(p.Name));
    }

    /// <summary>Topics the members subscribe to, from the consumer protocol's subscription (null if not a consumer group).</summary>
    public HashSet<string>? SubscribedTopics()
    {
        if (ProtocolType != "consumer" || ProtocolName is null) return null;
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in Members)
        {
            var metadata = m.MetadataFor(ProtocolName);
            if (metadata is null || !ConsumerProtocol.TryReadSubscriptionTopics(metadata, topics)) return null;
        }

        return topics;
    }
}
