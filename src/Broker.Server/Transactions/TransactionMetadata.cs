using Broker.Storage;

namespace Broker.Server.Transactions;

/// <summary>
/// The coordinator's in-memory state of one transactional id. Every field is read and written under
/// <see cref="Sync"/>. A transition is first written to <c>__transaction_state</c> (<see cref="Pending"/> holds it
/// meanwhile; requests arriving then answer CONCURRENT_TRANSACTIONS) and applied only once the write is acknowledged,
/// so memory never runs ahead of the log.
/// </summary>
public sealed class TransactionMetadata(string transactionalId, int partition, long producerId, short epoch, int timeoutMs, long nowMs)
{
    public Lock Sync { get; } = new();

    public string TransactionalId { get; } = transactionalId;

    /// <summary>The <c>__transaction_state</c> partition holding this id.</summary>
    public int Partition { get; } = partition;

    public long ProducerId { get; set; } = producerId;

    /// <summary>Current epoch; -1 before the first InitProducerId completed.</summary>
    public short ProducerEpoch { get; set; } = epoch;

    /// <summary>The epoch before the last bump (KIP-360: a producer retrying InitProducerId with it is not a zombie).</summary>
    public short LastProducerEpoch { get; set; } = -1;

    public int TimeoutMs { get; set; } = timeoutMs;

    public TransactionState State { get; set; } = TransactionState.Empty;

    public HashSet<TopicPartition> Partitions { get; } = [];

    public long StartMs { get; set; } = -1;

    public long LastUpdateMs { get; set; } = nowMs;

    /// <summary>The transition being written, or null.</summary>
    public TransactionLogValue? Pending { get; set; }

    /// <summary>Set when the id was removed (expired or its partition unloaded): nothing may be applied any more.</summary>
    public bool Removed { get; set; }

    public TransactionLogValue Snapshot() =>
        new(ProducerId, ProducerEpoch, TimeoutMs, State, Partitions.ToList(), LastUpdateMs, StartMs);

    /// <summary>Applies a written transition. Call under <see cref="Sync"/>.</summary>
    public void Apply(TransactionLogValue value)
    {
        if (value.ProducerEpoch != ProducerEpoch || value.ProducerId != ProducerId)
        {
            if (value.ProducerId == ProducerId) LastProducerEpoch = ProducerEpoch;
            else LastProducerEpoch = -1;
        }

        ProducerId = value.ProducerId;
        ProducerEpoch = value.ProducerEpoch;
        TimeoutMs = value.TimeoutMs;
        State = value.State;
        Partitions.Clear();
        foreach (var p in value.Partitions) Partitions.Add(p);
        LastUpdateMs = value.LastUpdateMs;
        StartMs = value.StartMs;
    }
}
