namespace Broker.Server.Groups.Records;

/// <summary>Key of an offset commit record (key version 0/1): one committed partition of one group.</summary>
public readonly record struct OffsetCommitKey(string Group, string Topic, int Partition);

/// <summary>
/// Value of an offset commit record. <see cref="ExpireTimestamp"/> is -1 unless the commit carried an explicit
/// retention (only value version 1 stores it). <see cref="LeaderEpoch"/> is -1 when unknown (versions before 3).
/// Timestamps are Unix milliseconds.
/// </summary>
public sealed record OffsetCommitValue(long Offset, int LeaderEpoch, string Metadata, long CommitTimestamp, long ExpireTimestamp = -1);

/// <summary>One member as stored in a group metadata record. <see cref="GroupInstanceId"/> survives only in value v3.</summary>
public sealed record GroupMemberRecord(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int RebalanceTimeoutMs,
    int SessionTimeoutMs,
    byte[] Subscription,
    byte[] Assignment);

/// <summary>
/// Value of a group metadata record: the group after a completed rebalance (or when it became empty).
/// <see cref="CurrentStateTimestamp"/> (value v2+) is -1 when absent.
/// </summary>
public sealed record GroupMetadataRecord(
    string ProtocolType,
    int Generation,
    string? Protocol,
    string? Leader,
    long CurrentStateTimestamp,
    IReadOnlyList<GroupMemberRecord> Members);
