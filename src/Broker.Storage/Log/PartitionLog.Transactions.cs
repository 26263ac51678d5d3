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

    /// <summary>
    /// An abort marker is in the log: the index of the segment holding the marker learns it (once: a rebuild replaying
    /// the marker finds it there). Caller holds the lock.
    /// </summary>
    private void OnTransactionAborted(in CompletedTransaction aborted)
    {
        LogSegment[] segments = _segments;
        LogSegment segment = segments[FloorSegment(segments, aborted.LastOffset)];
        try
        {
            segment.TxnIndex.Append(new AbortedTransaction(aborted.ProducerId, aborted.FirstOffset, aborted.LastOffset, aborted.LastStableOffset));
        }
        catch (IOException e) when (e is not KafkaStorageException)
        {
            throw DirFailed("append to the transaction index", e);
        }
    }

    /// <summary>
    /// The aborted transactions a read of [<paramref name="fetchOffset"/>, <paramref name="upperBoundOffset"/>) must
    /// tell a read_committed consumer about: those whose abort marker is at or after the fetch offset and whose first
    /// offset is below the bound, from the segment holding the fetch offset onwards (Kafka's collectAbortedTxns; every
    /// later segment is looked at, since a transaction begun below the bound may be aborted much later: aborts are
    /// rare and the indexes are in memory).
    /// Thread-safe.
    /// </summary>
    public IReadOnlyList<AbortedTransaction> CollectAbortedTransactions(long fetchOffset, long upperBoundOffset)
    {
        var found = new List<AbortedTransaction>();
        LogSegment[] segments = _segments;
        for (int i = FloorSegment(segments, fetchOffset); i < segments.Length; i++)
        {
            segments[i].TxnIndex.Collect(fetchOffset, upperBoundOffset, found);
        }

        return found;
    }
}
