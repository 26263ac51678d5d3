using Broker.Protocol;

namespace Broker.Server.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// InitProducerId with a transactional id: bumps the epoch (fencing every older producer of the id), or hands out a
    /// new producer id when the epoch is exhausted. A transaction still ongoing is a zombie's: it is aborted with a
    /// bumped epoch and the caller gets CONCURRENT_TRANSACTIONS (it retries and then gets the next epoch). With
    /// <paramref name="producerId"/>/<paramref name="producerEpoch"/> (v3+, KIP-360) the caller must hold the current
    /// or the previous epoch of the id, else PRODUCER_FENCED; a retry of a bump that already happened gets the same
    /// answer again.
    /// </summary>
    public async Task<(ErrorCode Error, long ProducerId, short Epoch)> InitProducerIdAsync(string transactionalId, int timeoutMs,
        long producerId, short producerEpoch, CancellationToken ct)
    {
        if (timeoutMs <= 0 || timeoutMs > _options.MaxTimeoutMs) return (ErrorCode.InvalidTransactionTimeout, -1, -1);
        var check = CheckCoordinator(transactionalId);
        if (check != ErrorCode.None) return (check, -1, -1);

        if (!_txns.TryGetValue(transactionalId, out var m))
        {
            long fresh = await _ids.NextAsync(ct).ConfigureAwait(false);
            m = _txns.GetOrAdd(transactionalId, id => new TransactionMetadata(id, PartitionFor(id), fresh, -1, timeoutMs, NowMs()));
        }

        long newProducerId = -1;
        while (true)
        {
            TransactionLogValue next;
            ValueTask<ErrorCode> append;
            bool fencing = false;
            lock (m.Sync)
            {
                if (m.Removed) return (ErrorCode.ConcurrentTransactions, -1, -1);
                if (m.Pending is not null) return (ErrorCode.ConcurrentTransactions, -1, -1);
                if (producerId >= 0)
                {
                    bool current = producerId == m.ProducerId && producerEpoch == m.ProducerEpoch;
                    bool previous = producerId == m.ProducerId && producerEpoch == m.LastProducerEpoch && m.LastProducerEpoch >= 0;
                    if (!current && !previous) return (ErrorCode.ProducerFenced, -1, -1);
                    if (previous && m.State is TransactionState.Empty)
                        return (ErrorCode.None, m.ProducerId, m.ProducerEpoch); // our answer to this bump was lost
                }

                long now = NowMs();
                switch (m.State)
                {
                    case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                        return (ErrorCode.ConcurrentTransactions, -1, -1);
                    case TransactionState.Ongoing:
                        // A zombie's transaction: abort it under a bumped epoch; the new producer retries meanwhile.
                        next = m.Snapshot() with
                        {
                            ProducerEpoch = Bump(m.ProducerEpoch), State = TransactionState.PrepareAbort, LastUpdateMs = now,
                        };
                        fencing = true;
                        break;
                    default:
                        if (m.ProducerEpoch >= MaxBumpableEpoch && newProducerId < 0) goto allocate;
                        next = new TransactionLogValue(
                            m.ProducerEpoch >= MaxBumpableEpoch ? newProducerId : m.ProducerId,
                            m.ProducerEpoch >= MaxBumpableEpoch ? (short)0 : (short)(m.ProducerEpoch + 1),
                            timeoutMs, TransactionState.Empty, [], now, -1);
                        break;
                }

                append = BeginWrite(m, next);
            }

            var error = await WriteAsync(m, next, append).ConfigureAwait(false);
            if (error != ErrorCode.None) return (ClientError(error), -1, -1);
            if (fencing)
            {
                LogFenced(transactionalId, m.ProducerId, next.ProducerEpoch);
                StartCompletion(m, next);
                return (ErrorCode.ConcurrentTransactions, -1, -1);
            }

            return (ErrorCode.None, next.ProducerId, next.ProducerEpoch);

        allocate:
            newProducerId = await _ids.NextAsync(ct).ConfigureAwait(false);
        }
    }

    private static short Bump(short epoch) => epoch >= MaxBumpableEpoch ? epoch : (short)(epoch + 1);
}
