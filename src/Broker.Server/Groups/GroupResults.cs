using Broker.Protocol;

namespace Broker.Server.Groups;

/// <summary>A member's view of a JoinGroup; <see cref="Members"/> is filled for the leader only.</summary>
public sealed record JoinGroupResult(
    ErrorCode Error,
    int GenerationId,
    string? ProtocolType,
    string? ProtocolName,
    string LeaderId,
    string MemberId,
    IReadOnlyList<JoinedMember> Members)
{
    public static JoinGroupResult Fail(ErrorCode error, string memberId = "") => new(error, -1, null, null, "", memberId, []);
}

/// <summary>One member as the leader sees it: its metadata for the selected protocol.</summary>
public sealed record JoinedMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

/// <summary>What SyncGroup answers: the member's assignment of the current generation.</summary>
public sealed record SyncGroupResult(ErrorCode Error, string? ProtocolType, string? ProtocolName, byte[] Assignment)
{
    public static SyncGroupResult Fail(ErrorCode error) => new(error, null, null, []);
}

/// <summary>A JoinGroup request in coordinator terms (the wire version only matters for MEMBER_ID_REQUIRED, v4+).</summary>
public sealed record JoinGroupCommand(
    string GroupId,
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    string ProtocolType,
    IReadOnlyList<(string Name, byte[] Metadata)> Protocols,
    bool RequireKnownMemberId);

/// <summary>A SyncGroup request; ProtocolType/ProtocolName are null before v5.</summary>
public sealed record SyncGroupCommand(
    string GroupId,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    string? ProtocolType,
    string? ProtocolName,
    IReadOnlyList<(string MemberId, byte[] Assignment)> Assignments);

/// <summary>One committed partition in an OffsetCommit request. CommitTimestamp is -1 except in v1.</summary>
public sealed record OffsetCommitEntry(string Topic, int Partition, long Offset, int LeaderEpoch, string? Metadata, long CommitTimestamp = -1);

/// <summary>An OffsetCommit request; generation -1 with an empty member id is a standalone ("simple") commit.</summary>
public sealed record OffsetCommitCommand(
    string GroupId,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    long RetentionTimeMs,
    IReadOnlyList<OffsetCommitEntry> Entries);

/// <summary>A committed offset as OffsetFetch returns it; offset -1 and empty metadata when nothing is committed.</summary>
public sealed record FetchedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string Metadata, ErrorCode Error);

/// <summary>One group as ListGroups shows it.</summary>
public sealed record GroupListing(string GroupId, string ProtocolType, GroupState State);

/// <summary>One member in a DescribeGroups answer; metadata and assignment are empty unless the group is Stable.</summary>
public sealed record MemberDescription(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);

/// <summary>A DescribeGroups entry; an unknown group is described as Dead with no members, as Kafka does.</summary>
public sealed record GroupDescription(
    ErrorCode Error,
    string GroupId,
    GroupState State,
    string ProtocolType,
    string ProtocolData,
    IReadOnlyList<MemberDescription> Members);
