using Broker.Protocol;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    /// <summary>DeleteRecords offset meaning "up to the high watermark".</summary>
    public const long DeleteToHighWatermark = -1;

    /// <summary>
    /// Notified when the leader's or a follower's log start offset rises, so DeleteRecords requests waiting for the
    /// low watermark re-check.
    /// </summary>
    public ChangeSignal LogStartOffsetChanged { get; } = new();

    /// <summary>
    /// DeleteRecords on the leader (Kafka's deleteRecordsOnLeader): raises the log start offset to
    /// <paramref name="offset"/> (-1: the high watermark). NOT_LEADER_OR_FOLLOWER when this broker does not lead,
    /// POLICY_VIOLATION when cleanup.policy lacks delete, OFFSET_OUT_OF_RANGE for an offset below 0 (other than -1) or
    /// above the high watermark. Returns the offset asked for (the resolved high watermark for -1); the request is
    /// complete once <see cref="LowWatermark"/> reaches it.
    /// </summary>
    public (ErrorCode Error, long RequestedOffset) DeleteRecordsAsLeader(long offset)
    {
        long requested;
        lock (_stateLock)
        {
            if (!_isLeader) return (ErrorCode.NotLeaderOrFollower, -1);
            if (!Log.Config.Delete) return (ErrorCode.PolicyViolation, -1);
            requested = offset == DeleteToHighWatermark ? HighWatermark : offset;
            if (requested < 0 || requested > HighWatermark) return (ErrorCode.OffsetOutOfRange, -1);
            try
            {
                if (!Log.MaybeIncrementLogStartOffset(requested)) return (ErrorCode.None, requested);
            }
            catch (KafkaStorageException)
            {
                return (ErrorCode.KafkaStorageError, -1);
            }
        }

        LogStartOffsetChanged.Notify();
        return (ErrorCode.None, requested);
    }

    /// <summary>
    /// Kafka's lowWatermarkIfLeader: the smallest log start offset among this leader and the followers on live
    /// brokers (<paramref name="isAlive"/>); a follower that has not fetched under this leader yet counts as -1.
    /// Null when this broker does not lead.
    /// </summary>
    public long? LowWatermark(Func<int, bool> isAlive)
    {
        lock (_stateLock)
        {
            if (!_isLeader) return null;
            long low = Log.LogStartOffset;
            foreach (var (replica, follower) in _followers)
            {
                if (isAlive(replica) && follower.LogStartOffset < low) low = follower.LogStartOffset;
            }

            return low;
        }
    }

    /// <summary>
    /// A follower takes the leader's log start offset from a Fetch answer (Kafka's LeaderOffsetIncremented), capped
    /// at its own log end: what lies below is deleted on the leader and must not be served by this replica either.
    /// Ignored when <paramref name="leaderEpoch"/> is no longer this follower's epoch.
    /// </summary>
    public void UpdateLogStartOffsetAsFollower(long leaderLogStartOffset, int leaderEpoch)
    {
        bool raised;
        lock (_stateLock)
        {
            if (_isLeader || _leaderEpoch != leaderEpoch) return;
            raised = Log.MaybeIncrementLogStartOffset(Math.Min(leaderLogStartOffset, Log.LogEndOffset));
        }

        if (raised) LogStartOffsetChanged.Notify();
    }
}
