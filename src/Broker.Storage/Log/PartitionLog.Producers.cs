using Broker.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Appends batches that passed the producer checks and then commits their producer state; a failed write
    /// discards it so the next append is not checked against batches that never reached the log. Caller holds the lock.
    /// </summary>
    private void AppendIdempotentLocked(ReadOnlySpan<byte> batches, long nextOffset, long recordCount, long now, LogConfig config)
    {
        try
        {
            AppendLocked(batches, nextOffset, recordCount, now, config);
        }
        catch
        {
            Producers.DiscardPending();
            throw;
        }

        Producers.CommitPending();
    }

    /// <summary>Records replicated batches in the producer state without validation. Caller holds the lock.</summary>
    private void ApplyProducerBatches(ReadOnlySpan<byte> batches)
    {
        int at = 0;
        while (at < batches.Length)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(batches[at..]);
            if (header.IsControl)
            {
                ApplyControlBatchLocked(header, batches.Slice(at, header.TotalSize));
            }
            else
            {
                Producers.Apply(header);
            }

            at += header.TotalSize;
        }
    }

    /// <summary>
    /// Rebuilds producer state for the current log: the newest intact snapshot at or below the log end, then the
    /// batch headers from there (or from the log start) to the end; producers wholly below the log start are dropped.
    /// Used at load and after truncation. Caller holds the lock (or is the constructor path).
    /// </summary>
    private void RebuildProducerState()
    {
        long snapshotOffset = Producers.LoadLatestSnapshot(_logEndOffset);
        long from = Math.Max(snapshotOffset, _logStartOffset);
        if (from < _logEndOffset)
        {
            LogSegment[] segments = _segments;
            for (int i = FloorSegment(segments, from); i < segments.Length; i++)
            {
                segments[i].VisitBatchesWithMarkers(from, (in RecordBatchHeader header, ReadOnlySpan<byte> prefix) =>
                {
                    if (header.IsControl)
                    {
                        ApplyControlBatchLocked(header, prefix);
                    }
                    else
                    {
                        Producers.Apply(header);
                    }
                });
            }
        }

        Producers.TruncateHead(_logStartOffset);
        _logger.LoadedProducerState(Directory, Producers.Count, snapshotOffset, from);
    }

    /// <summary>A durable snapshot at the log end, so the next open replays nothing. Failures only cost a replay.</summary>
    private void SnapshotProducersOnClose()
    {
        try
        {
            Producers.TakeSnapshot(_logEndOffset, fsync: true);
        }
        catch (IOException e)
        {
            _logger.BackgroundTaskFailed(e, "producer snapshot on close of " + Directory);
        }
    }
}
