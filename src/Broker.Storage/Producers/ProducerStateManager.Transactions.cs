using Broker.Protocol.Records;

namespace Broker.Storage.Producers;

public sealed partial class ProducerStateManager
{
    /// <summary>Open transactions by (first offset, producer id); the smallest bounds the last stable offset. Guarded by _lock.</summary>
    private readonly SortedSet<(long FirstOffset, long ProducerId)> _ongoing = [];

    /// <summary>
    /// The first offset of the oldest open transaction, or null when none is open (Kafka's firstUnstableOffset).
    /// Thread-safe.
    /// </summary>
    public long? FirstUnstableOffset
    {
        get
        {
            lock (_lock)
            {
                return _ongoing.Count == 0 ? null : _ongoing.Min.FirstOffset;
            }
        }
    }

    /// <summary>The open transactions, oldest first (for tests and tools). Thread-safe.</summary>
    public IReadOnlyList<(long FirstOffset, long ProducerId)> OngoingTransactions()
    {
        lock (_lock)
        {
            return [.. _ongoing];
        }
    }

    /// <summary>
    /// Checks a transaction marker the leader is about to append, as Kafka's coordinator-origin checks: a producer
    /// epoch older than the producer's is InvalidProducerEpoch; a coordinator epoch older than the last marker's is
    /// TransactionCoordinatorFenced. A producer the partition does not know may get a marker (Kafka appends it too).
    /// </summary>
    internal RecordBatchError CheckMarker(long producerId, short producerEpoch, int coordinatorEpoch)
    {
        lock (_lock)
        {
            if (!_producers.TryGetValue(producerId, out ProducerStateEntry? entry))
            {
                return RecordBatchError.None;
            }

            if (producerEpoch < entry.ProducerEpoch)
            {
                return RecordBatchError.InvalidProducerEpoch;
            }

            return coordinatorEpoch < entry.CoordinatorEpoch ? RecordBatchError.TransactionCoordinatorFenced : RecordBatchError.None;
        }
    }

    /// <summary>
    /// Records a marker already in the log (appended, replicated or found by a scan): the producer's open transaction
    /// ends, its epoch and coordinator epoch move to the marker's. Returns the completed transaction.
    /// </summary>
    internal CompletedTransaction ApplyMarker(in RecordBatchHeader header, bool commit, int coordinatorEpoch)
    {
        long producerId = header.ProducerId;
        long markerOffset = header.BaseOffset;
        lock (_lock)
        {
            if (!_producers.TryGetValue(producerId, out ProducerStateEntry? entry))
            {
                entry = new ProducerStateEntry(producerId, header.ProducerEpoch);
                _producers.Add(producerId, entry);
            }

            entry.UpdateEpoch(header.ProducerEpoch);
            long firstOffset = markerOffset;
            if (entry.CurrentTxnFirstOffset >= 0)
            {
                firstOffset = entry.CurrentTxnFirstOffset;
                _ongoing.Remove((entry.CurrentTxnFirstOffset, producerId));
                entry.CurrentTxnFirstOffset = -1;
            }

            entry.CoordinatorEpoch = Math.Max(entry.CoordinatorEpoch, coordinatorEpoch);
            entry.LastMarkerOffset = markerOffset;
            entry.LastTimestamp = header.MaxTimestamp;
            long lastStable = _ongoing.Count == 0 ? markerOffset + 1 : Math.Min(_ongoing.Min.FirstOffset, markerOffset + 1);
            return new CompletedTransaction(producerId, firstOffset, markerOffset, !commit, lastStable);
        }
    }
}
