using Broker.Protocol;
using Broker.Storage;

namespace Broker.Server.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// AddPartitionsToTxn / AddOffsetsToTxn: adds partitions to the producer's transaction, starting it (Ongoing, start
    /// time now) when none is. Errors as Kafka: unknown id or another producer id INVALID_PRODUCER_ID_MAPPING, another
    /// epoch PRODUCER_FENCED, a transaction completing CONCURRENT_TRANSACTIONS.
    /// </summary>
    public async Task<ErrorCode> AddPartitionsAsync(string transactionalId, long producerId, short producerEpoch, IReadOnlyCollection<TopicPartition> partitions)
    {
        var check = CheckCoordinator(transactionalId);
        if (check != ErrorCode.None) return check;
        if (!_txns.TryGetValue(transactionalId, out var m)) return ErrorCode.InvalidProducerIdMapping;
        TransactionLogValue next;
        ValueTask<ErrorCode> append;
        lock (m.Sync)
        {
            var error = ValidateProducer(m, producerId, producerEpoch);
            if (error != ErrorCode.None) return error;
            if (m.Pending is not null) return ErrorCode.ConcurrentTransactions;
            if (m.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence)
                return ErrorCode.ConcurrentTransactions;
            if (m.State == TransactionState.Ongoing && partitions.All(m.Partitions.Contains)) return ErrorCode.None;
            long now = NowMs();
            next = m.Snapshot() with
            {
                State = TransactionState.Ongoing,
                Partitions = m.Partitions.Union(partitions).ToList(),
                StartMs = m.State == TransactionState.Ongoing ? m.StartMs : now,
                LastUpdateMs = now,
            };
            append = BeginWrite(m, next);
        }

        return ClientError(await WriteAsync(m, next, append).ConfigureAwait(false));
    }

    /// <summary>AddPartitionsToTxn v4 verify_only: None when every partition is in the producer's ongoing transaction.</summary>
    public ErrorCode VerifyPartitions(string transactionalId, long producerId, short producerEpoch, IReadOnlyCollection<TopicPartition> partitions)
    {
        var check = CheckCoordinator(transactionalId);
        if (check != ErrorCode.None) return check;
        if (!_txns.TryGetValue(transactionalId, out var m)) return ErrorCode.InvalidProducerIdMapping;
        lock (m.Sync)
        {
            var error = ValidateProducer(m, producerId, producerEpoch);
            if (error != ErrorCode.None) return error;
            return m.State == TransactionState.Ongoing && partitions.All(m.Partitions.Contains) ? ErrorCode.None : ErrorCode.InvalidTxnState;
        }
    }

    /// <summary>
    /// EndTxn: writes PrepareCommit/PrepareAbort and answers; markers and the completion follow in the background. A
    /// retry after the transaction completed the same way answers None; the other outcome INVALID_TXN_STATE.
    /// </summary>
    public async Task<ErrorCode> EndTransactionAsync(string transactionalId, long producerId, short producerEpoch, bool commit)
    {
        var check = CheckCoordinator(transactionalId);
        if (check != ErrorCode.None) return check;
        if (!_txns.TryGetValue(transactionalId, out var m)) return ErrorCode.InvalidProducerIdMapping;
        TransactionLogValue next;
        ValueTask<ErrorCode> append;
        lock (m.Sync)
        {
            var error = ValidateProducer(m, producerId, producerEpoch);
            if (error != ErrorCode.None) return error;
            if (m.Pending is not null) return ErrorCode.ConcurrentTransactions;
            switch (m.State)
            {
                case TransactionState.CompleteCommit: return commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
                case TransactionState.CompleteAbort: return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                case TransactionState.PrepareCommit: return commit ? ErrorCode.ConcurrentTransactions : ErrorCode.InvalidTxnState;
                case TransactionState.PrepareAbort: return commit ? ErrorCode.InvalidTxnState : ErrorCode.ConcurrentTransactions;
                case TransactionState.Ongoing: break;
                default: return ErrorCode.InvalidTxnState;
            }

            next = m.Snapshot() with
            {
                State = commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort, LastUpdateMs = NowMs(),
            };
            append = BeginWrite(m, next);
        }

        var written = await WriteAsync(m, next, append).ConfigureAwait(false);
        if (written != ErrorCode.None) return ClientError(written);
        StartCompletion(m, next);
        return ErrorCode.None;
    }

    /// <summary>
    /// Checks a producer against the id's current one (Kafka 3.6): another producer id INVALID_PRODUCER_ID_MAPPING,
    /// another epoch PRODUCER_FENCED (a zombie). Call under <c>m.Sync</c>.
    /// </summary>
    private static ErrorCode ValidateProducer(TransactionMetadata m, long producerId, short producerEpoch)
    {
        if (producerId != m.ProducerId) return ErrorCode.InvalidProducerIdMapping;
        if (producerEpoch != m.ProducerEpoch) return ErrorCode.ProducerFenced;
        return ErrorCode.None;
    }

    /// <summary>
    /// Whether a TxnOffsetCommit may be accepted for the transaction (the group coordinator asks): the producer is the
    /// id's current one and its transaction is ongoing. Ids this broker does not coordinate are not checked (the group
    /// coordinator may be another broker), as Kafka 3.6 does not check either.
    /// </summary>
    public ErrorCode CheckTxnOffsetCommit(string transactionalId, long producerId, short producerEpoch)
    {
        if (!_txns.TryGetValue(transactionalId, out var m)) return ErrorCode.None;
        lock (m.Sync)
        {
            if (producerId != m.ProducerId) return ErrorCode.None;
            return producerEpoch < m.ProducerEpoch ? ErrorCode.ProducerFenced : ErrorCode.None;
        }
    }
}
