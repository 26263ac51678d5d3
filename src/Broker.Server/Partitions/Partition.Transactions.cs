using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    /// <summary>
    /// The last stable offset: the high watermark, or the first offset of the oldest open transaction when lower
    /// (never below the log start). read_committed consumers read only below it. Thread-safe.
    /// </summary>
    public long LastStableOffset => Log.LastStableOffset(HighWatermark);

    /// <summary>
    /// Appends a transaction marker as leader (WriteTxnMarkers), deciding under the state lock that this broker leads
    /// and that the ISR has min.insync.replicas members (markers are written with acks=all semantics, as Kafka's
    /// coordinator does). Producer and coordinator epoch fencing come back as INVALID_PRODUCER_EPOCH and
    /// TRANSACTION_COORDINATOR_FENCED with nothing appended. The caller waits for the marker's replication with
    /// <see cref="WaitForReplicationAsync"/>.
    /// </summary>
    public LeaderAppendResult AppendMarkerAsLeader(long producerId, short producerEpoch, int coordinatorEpoch, bool commit)
    {
        LogAppendResult result;
        int epoch;
        int isrSize;
        lock (_stateLock)
        {
            epoch = _leaderEpoch;
            isrSize = _isr.Length;
            if (!_isLeader) return new LeaderAppendResult(ErrorCode.NotLeaderOrFollower, default, epoch, isrSize);
            if (isrSize < MinInsyncReplicas) return new LeaderAppendResult(ErrorCode.NotEnoughReplicas, default, epoch, isrSize);
            try
            {
                result = Log.AppendMarker(producerId, producerEpoch, coordinatorEpoch, commit, epoch);
            }
            catch (KafkaStorageException)
            {
                return new LeaderAppendResult(ErrorCode.KafkaStorageError, default, epoch, isrSize);
            }

            if (result.IsSuccess) MaybeAdvanceHighWatermarkLocked();
        }

        if (!result.IsSuccess)
        {
            var error = result.Error == RecordBatchError.TransactionCoordinatorFenced
                ? ErrorCode.TransactionCoordinatorFenced
                : ErrorCode.InvalidProducerEpoch;
            return new LeaderAppendResult(error, result, epoch, isrSize);
        }

        DataAppended.Notify();
        return new LeaderAppendResult(ErrorCode.None, result, epoch, isrSize);
    }
}
