using Broker.Protocol.Records;
using Broker.Storage.Producers;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Appends a transaction marker as leader (WriteTxnMarkers): a control batch ending producer
    /// <paramref name="producerId"/>'s transaction with a commit or an abort, stamped with
    /// <paramref name="leaderEpoch"/>. Refused without writing when the producer epoch is older than the producer's
    /// (InvalidProducerEpoch) or the coordinator epoch older than the last marker's (TransactionCoordinatorFenced).
    /// The marker ends the producer's open transaction in the producer state (the last stable offset moves); an abort
    /// is added to the aborted-transaction index.
    /// </summary>
    public LogAppendResult AppendMarker(long producerId, short producerEpoch, int coordinatorEpoch, bool commit, int leaderEpoch)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            ThrowIfOffline();
            RecordBatchError error = Producers.CheckMarker(producerId, producerEpoch, coordinatorEpoch);
            if (error != RecordBatchError.None)
            {
                return LogAppendResult.Failed(error, _logStartOffset);
            }

            long now = NowMs();
            byte[] marker = ControlRecord.BuildMarker(producerId, producerEpoch, coordinatorEpoch, commit, now);
            long offset = _logEndOffset;
            RecordBatch.SetBaseOffset(marker, offset);
            RecordBatch.SetPartitionLeaderEpoch(marker, leaderEpoch);
            try
            {
                if (leaderEpoch >= 0 && leaderEpoch > LeaderEpochs.LatestEpoch)
                {
                    LeaderEpochs.Assign(leaderEpoch, offset);
                }

                AppendLocked(marker, offset + 1, 1, now, Config);
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                throw DirFailed("append marker", e);
            }

            ApplyMarkerLocked(RecordBatchHeader.Read(marker), commit, coordinatorEpoch);
            return new LogAppendResult(RecordBatchError.None, offset, offset, -1, 1, 1, _logStartOffset);
        }
    }

    /// <summary>
    /// The last stable offset for a high watermark of <paramref name="highWatermark"/>: the first offset of the
    /// oldest open transaction when it is below, else the high watermark; never below the log start (Kafka's
    /// UnifiedLog.lastStableOffset). read_committed consumers read only below it. Thread-safe.
    /// </summary>
    public long LastStableOffset(long highWatermark)
    {
        long stable = Producers.FirstUnstableOffset is { } first ? Math.Min(first, highWatermark) : highWatermark;
        return Math.Max(stable, LogStartOffset);
    }

    /// <summary>Applies a marker found in the log to the producer state. Caller holds the lock.</summary>
    private void ApplyMarkerLocked(in RecordBatchHeader header, bool commit, int coordinatorEpoch)
    {
        CompletedTransaction completed = Producers.ApplyMarker(header, commit, coordinatorEpoch);
        if (completed.IsAborted)
        {
            OnTransactionAborted(completed);
        }
    }

    /// <summary>Applies a control batch given by its first bytes (a marker); other control records are ignored. Caller holds the lock.</summary>
    private void ApplyControlBatchLocked(in RecordBatchHeader header, ReadOnlySpan<byte> prefix)
    {
        if (header.ProducerId >= 0 && ControlRecord.TryReadMarker(prefix, out short type, out int coordinatorEpoch)
            && type is ControlRecord.AbortType or ControlRecord.CommitType)
        {
            ApplyMarkerLocked(header, type == ControlRecord.CommitType, coordinatorEpoch);
        }
    }

    /// <summary>An abort marker is in the log: the aborted-transaction index learns it. Caller holds the lock.</summary>
    partial void OnTransactionAborted(in CompletedTransaction aborted);
}
