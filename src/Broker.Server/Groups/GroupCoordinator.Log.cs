using Microsoft.Extensions.Logging;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    [LoggerMessage(710, LogLevel.Information, "[GroupCoordinator] Preparing to rebalance group {GroupId} in state PreparingRebalance with old generation {Generation} (reason: {Reason})")]
    private partial void LogPreparingRebalance(string groupId, int generation, string reason);

    [LoggerMessage(711, LogLevel.Information, "[GroupCoordinator] Stabilized group {GroupId} generation {Generation} with {Members} member(s)")]
    private partial void LogStabilized(string groupId, int generation, int members);

    [LoggerMessage(712, LogLevel.Information, "[GroupCoordinator] Group {GroupId} generation {Generation} (protocol {Protocol}) with {Members} member(s)")]
    private partial void LogGenerationCompleted(string groupId, int generation, string protocol, int members);

    [LoggerMessage(713, LogLevel.Information, "[GroupCoordinator] Member {MemberId} in group {GroupId} has left or was removed: {Reason}")]
    private partial void LogMemberRemoved(string groupId, string memberId, string reason);

    [LoggerMessage(714, LogLevel.Debug, "[GroupCoordinator] Member {MemberId} (client {ClientId}, host {ClientHost}) joined group {GroupId}")]
    private partial void LogMemberJoined(string groupId, string memberId, string clientId, string clientHost);

    [LoggerMessage(715, LogLevel.Information, "[GroupCoordinator] Static member {InstanceId} of group {GroupId} rejoined: {OldMemberId} -> {NewMemberId}")]
    private partial void LogStaticRejoin(string groupId, string instanceId, string oldMemberId, string newMemberId);

    [LoggerMessage(716, LogLevel.Information, "[GroupCoordinator] Deleted group {GroupId}")]
    private partial void LogGroupDeleted(string groupId);

    [LoggerMessage(717, LogLevel.Information, "[GroupCoordinator] Group {GroupId} expired: no members and no offsets left")]
    private partial void LogGroupExpired(string groupId);

    [LoggerMessage(718, LogLevel.Information, "[GroupMetadataManager] Finished loading offsets and group metadata from __consumer_offsets-{Partition}: {Groups} group(s), {Offsets} offset(s) in {Milliseconds} ms")]
    private partial void LogLoaded(int partition, int groups, int offsets, double milliseconds);

    [LoggerMessage(719, LogLevel.Error, "[GroupMetadataManager] Loading __consumer_offsets-{Partition} failed")]
    private partial void LogLoadFailed(int partition, Exception e);

    [LoggerMessage(720, LogLevel.Information, "[GroupMetadataManager] Unloaded __consumer_offsets-{Partition}")]
    private partial void LogUnloaded(int partition);

    [LoggerMessage(721, LogLevel.Warning, "[GroupMetadataManager] Skipped a compressed batch at offset {Offset} of __consumer_offsets-{Partition}")]
    private partial void LogSkippedCompressed(int partition, long offset);

    [LoggerMessage(722, LogLevel.Information, "[GroupMetadataManager] Removed {Count} expired offset(s)")]
    private partial void LogOffsetsExpired(int count);

    [LoggerMessage(723, LogLevel.Error, "[GroupMetadataManager] Offset expiry failed")]
    private partial void LogExpiryFailed(Exception e);

    [LoggerMessage(724, LogLevel.Warning, "[GroupMetadataManager] Writing group {GroupId} to __consumer_offsets failed: {Error}")]
    private partial void LogStoreFailed(string groupId, string error);

    [LoggerMessage(725, LogLevel.Warning, "[GroupMetadataManager] Append to __consumer_offsets-{Partition} failed")]
    private partial void LogAppendFailed(int partition, Exception e);

    [LoggerMessage(726, LogLevel.Information, "[GroupMetadataManager] Abandoned load {LoadId} of __consumer_offsets-{Partition}: the partition was unloaded or reloaded meanwhile")]
    private partial void LogLoadAbandoned(int partition, long loadId);
}
