using Broker.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Producers;

/// <summary>
/// Idempotent and transactional producer state of one partition (Kafka's ProducerStateManager): per producer id
/// the epoch and the last few batches, used to reject out-of-order or fenced batches and to answer retries with
/// their original offsets; the first offset of each open transaction (the last stable offset's bound) and the
/// coordinator epoch of the last marker (see ProducerStateManager.Transactions.cs). Rebuilt at load from the latest snapshot file plus a scan of later batch headers.
/// Thread-safety: mutations are made by <see cref="Log.PartitionLog"/> under its lock; an internal lock also guards
/// the map so <see cref="TryGetEntry"/> may be called from any thread.
/// </summary>
public sealed partial class ProducerStateManager
{
    private readonly object _lock = new();
    private readonly Dictionary<long, ProducerStateEntry> _producers = [];
    private readonly List<PendingBatch> _pending = [];
    private readonly string _directory;
    private readonly ILogger _logger;

    internal ProducerStateManager(string directory, ILogger logger)
    {
        _directory = directory;
        _logger = logger;
    }

    /// <summary>Number of producers with state in this partition.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _producers.Count;
            }
        }
    }

    /// <summary>True while <see cref="Check"/> has accepted batches not yet committed or discarded.</summary>
    internal bool HasPending => _pending.Count > 0;

    /// <summary>A copy of the state of <paramref name="producerId"/>, if the partition has any.</summary>
    public bool TryGetEntry(long producerId, out ProducerStateEntry entry)
    {
        lock (_lock)
        {
            if (_producers.TryGetValue(producerId, out ProducerStateEntry? found))
            {
                entry = found.Clone();
                return true;
            }
        }

        entry = null!;
        return false;
    }

    /// <summary>
    /// Validates a client batch (producerId &gt;= 0) that would get offsets from <paramref name="firstOffset"/>, as
    /// Kafka's leader does. On success the batch is remembered as pending (so a later batch of the same append is
    /// checked against it) until <see cref="CommitPending"/> or <see cref="DiscardPending"/>.
    /// Rules: a retry of a remembered batch (same epoch, sequence range and records CRC, or CRC unknown) is DuplicateSequence
    /// with <paramref name="duplicate"/> set; the same epoch and range with other records is SequenceReused (also with
    /// <paramref name="duplicate"/> set); an epoch older than the known one is InvalidProducerEpoch; a newer epoch must
    /// start at sequence 0; the same epoch must continue at last sequence + 1 (int.MaxValue wraps to 0); an unknown
    /// producer, or one whose epoch is unknown (-1), may start at any sequence (KIP-360).
    /// </summary>
    internal RecordBatchError Check(in RecordBatchHeader header, long firstOffset, out BatchMetadata duplicate)
    {
        long producerId = header.ProducerId;
        short epoch = header.ProducerEpoch;
        int firstSeq = header.BaseSequence;
        int lastSeq = BatchMetadata.LastSequence(firstSeq, header.LastOffsetDelta);
        ProducerStateEntry? committed;
        lock (_lock)
        {
            _producers.TryGetValue(producerId, out committed);
        }

        if (committed is not null && committed.TryFindDuplicate(epoch, firstSeq, lastSeq, out duplicate))
        {
            // Same id, epoch and range but other bytes is a client reusing a sequence (kafkajs rolls its sequence
            // back when a request fails after the broker stored it): answering with the stored batch's offsets would
            // acknowledge records that were never written.
            return duplicate.HasDifferentContent(RecordsFingerprint.Of(header)) ? RecordBatchError.SequenceReused : RecordBatchError.DuplicateSequence;
        }

        duplicate = default;
        if (TryGetCurrent(producerId, committed, out short currentEpoch, out int currentLastSeq) && currentEpoch != -1)
        {
            if (epoch < currentEpoch)
            {
                return RecordBatchError.InvalidProducerEpoch;
            }

            bool inSequence = epoch != currentEpoch
                ? firstSeq == 0
                : firstSeq == currentLastSeq + 1L || (firstSeq == 0 && currentLastSeq == int.MaxValue);
            if (!inSequence)
            {
                return RecordBatchError.OutOfOrderSequence;
            }
        }

        long lastOffset = firstOffset + header.LastOffsetDelta;
        _pending.Add(new PendingBatch(producerId, epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, RecordsFingerprint.Of(header)), header.MaxTimestamp, header.IsTransactional));
        return RecordBatchError.None;
    }

    /// <summary>Applies the batches accepted by <see cref="Check"/> once they are in the log.</summary>
    internal void CommitPending()
    {
        lock (_lock)
        {
            foreach (PendingBatch pending in _pending)
            {
                AddLocked(pending.ProducerId, pending.Epoch, pending.Batch, pending.Timestamp, pending.Transactional);
            }
        }

        _pending.Clear();
    }

    /// <summary>Forgets the batches accepted by <see cref="Check"/> (the append was rejected).</summary>
    internal void DiscardPending() => _pending.Clear();

    /// <summary>
    /// Records a batch already in the log (replicated, or found by a scan) without validation; its header carries
    /// its real offsets; its records CRC is derived from the header. Batches without a producer id, and control
    /// batches (see <see cref="ApplyMarker"/>), are ignored.
    /// </summary>
    internal void Apply(in RecordBatchHeader header)
    {
        if (header.ProducerId < 0 || header.IsControl)
        {
            return;
        }

        var batch = new BatchMetadata(
            header.BaseSequence,
            BatchMetadata.LastSequence(header.BaseSequence, header.LastOffsetDelta),
            header.BaseOffset,
            header.LastOffset,
            RecordsFingerprint.Of(header));
        lock (_lock)
        {
            AddLocked(header.ProducerId, header.ProducerEpoch, batch, header.MaxTimestamp, header.IsTransactional);
        }
    }

    /// <summary>Removes producers whose newest batch is below <paramref name="logStartOffset"/> (deleted by retention).</summary>
    internal void TruncateHead(long logStartOffset)
    {
        lock (_lock)
        {
            foreach ((long producerId, ProducerStateEntry entry) in _producers)
            {
                if (entry.LastOffset < logStartOffset)
                {
                    _producers.Remove(producerId);
                    _ongoing.Remove((entry.CurrentTxnFirstOffset, producerId));
                }
            }
        }
    }

    /// <summary>Forgets every producer (the log was emptied or is being rebuilt).</summary>
    internal void Clear()
    {
        lock (_lock)
        {
            _producers.Clear();
            _ongoing.Clear();
        }

        _pending.Clear();
    }

    private void AddLocked(long producerId, short epoch, BatchMetadata batch, long timestamp, bool transactional)
    {
        if (!_producers.TryGetValue(producerId, out ProducerStateEntry? entry))
        {
            entry = new ProducerStateEntry(producerId, epoch);
            _producers.Add(producerId, entry);
        }

        entry.AddBatch(epoch, batch, timestamp);
        if (transactional && entry.CurrentTxnFirstOffset < 0)
        {
            entry.CurrentTxnFirstOffset = batch.FirstOffset;
            _ongoing.Add((batch.FirstOffset, producerId));
        }
    }

    /// <summary>The epoch and last sequence a new batch must follow: the newest pending batch of the producer, else its committed state.</summary>
    private bool TryGetCurrent(long producerId, ProducerStateEntry? committed, out short epoch, out int lastSeq)
    {
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].ProducerId == producerId)
            {
                epoch = _pending[i].Epoch;
                lastSeq = _pending[i].Batch.LastSeq;
                return true;
            }
        }

        epoch = committed?.ProducerEpoch ?? -1;
        lastSeq = committed?.LastSeq ?? -1;
        return committed is not null;
    }

    private readonly record struct PendingBatch(long ProducerId, short Epoch, BatchMetadata Batch, long Timestamp, bool Transactional);
}
