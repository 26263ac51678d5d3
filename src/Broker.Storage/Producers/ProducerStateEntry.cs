namespace Broker.Storage.Producers;

/// <summary>
/// What one partition knows about one producer id: its epoch, the last <see cref="BatchesToRetain"/> batches it
/// wrote in that epoch (oldest first) and the max timestamp of the newest. A new epoch forgets the old batches.
/// Not thread-safe; <see cref="ProducerStateManager"/> serialises access and hands out copies.
/// </summary>
public sealed class ProducerStateEntry
{
    /// <summary>Batches remembered per producer; matches the 5 in-flight requests an idempotent client may have.</summary>
    public const int BatchesToRetain = 5;

    private readonly List<BatchMetadata> _batches;

    internal ProducerStateEntry(long producerId, short producerEpoch)
    {
        ProducerId = producerId;
        ProducerEpoch = producerEpoch;
        _batches = new List<BatchMetadata>(BatchesToRetain);
    }

    public long ProducerId { get; }

    /// <summary>The producer epoch of the newest batch (-1 when the batches carried none).</summary>
    public short ProducerEpoch { get; private set; }

    /// <summary>
    /// Coordinator epoch of the newest transaction marker written for this producer (-1: none). A marker from an older
    /// coordinator epoch is fenced (TRANSACTION_COORDINATOR_FENCED).
    /// </summary>
    public int CoordinatorEpoch { get; internal set; } = -1;

    /// <summary>Offset of the first batch of the producer's ongoing transaction, -1 when none is open.</summary>
    public long CurrentTxnFirstOffset { get; internal set; } = -1;

    /// <summary>Max timestamp (ms) of the newest batch.</summary>
    public long LastTimestamp { get; internal set; } = -1;

    /// <summary>The remembered batches, oldest first; never empty for an entry built from the log.</summary>
    public IReadOnlyList<BatchMetadata> Batches => _batches;

    /// <summary>Last sequence of the newest batch, -1 when none.</summary>
    public int LastSeq => _batches.Count == 0 ? -1 : _batches[^1].LastSeq;

    /// <summary>Last offset of the newest batch or transaction marker of the producer, -1 when none.</summary>
    public long LastOffset => Math.Max(_batches.Count == 0 ? -1 : _batches[^1].LastOffset, LastMarkerOffset);

    /// <summary>Offset of the newest transaction marker written for the producer, -1 when none.</summary>
    public long LastMarkerOffset { get; internal set; } = -1;

    /// <summary>Finds a remembered batch of <paramref name="epoch"/> with exactly this sequence range.</summary>
    internal bool TryFindDuplicate(short epoch, int firstSeq, int lastSeq, out BatchMetadata duplicate)
    {
        if (epoch == ProducerEpoch)
        {
            foreach (BatchMetadata batch in _batches)
            {
                if (batch.FirstSeq == firstSeq && batch.LastSeq == lastSeq)
                {
                    duplicate = batch;
                    return true;
                }
            }
        }

        duplicate = default;
        return false;
    }

    /// <summary>Records a batch; a different epoch first forgets the batches of the old one.</summary>
    internal void AddBatch(short epoch, BatchMetadata batch, long timestamp)
    {
        if (epoch != ProducerEpoch)
        {
            ProducerEpoch = epoch;
            _batches.Clear();
        }

        if (_batches.Count == BatchesToRetain)
        {
            _batches.RemoveAt(0);
        }

        _batches.Add(batch);
        LastTimestamp = timestamp;
    }

    /// <summary>Moves to <paramref name="epoch"/> (a transaction marker of a newer epoch), forgetting the old epoch's batches.</summary>
    internal void UpdateEpoch(short epoch)
    {
        if (epoch != ProducerEpoch)
        {
            ProducerEpoch = epoch;
            _batches.Clear();
        }
    }

    internal ProducerStateEntry Clone()
    {
        var copy = new ProducerStateEntry(ProducerId, ProducerEpoch)
        {
            LastTimestamp = LastTimestamp,
            CoordinatorEpoch = CoordinatorEpoch,
            CurrentTxnFirstOffset = CurrentTxnFirstOffset,
            LastMarkerOffset = LastMarkerOffset,
        };
        copy._batches.AddRange(_batches);
        return copy;
    }
}
