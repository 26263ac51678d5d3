using Broker.Protocol;

namespace Broker.Server.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// Every transaction.abort.timed.out.transaction.cleanup.interval.ms: an ongoing transaction older than its timeout
    /// is aborted under a bumped epoch (as Kafka: its producer is fenced and must call InitProducerId again).
    /// </summary>
    public void AbortTimedOut()
    {
        try
        {
            long now = NowMs();
            foreach (var m in _txns.Values)
            {
                if (!IsLoaded(m.Partition)) continue;
                TransactionLogValue next;
                ValueTask<ErrorCode> append;
                lock (m.Sync)
                {
                    if (m.Removed || m.Pending is not null || m.State != TransactionState.Ongoing || m.StartMs + m.TimeoutMs > now) continue;
                    next = m.Snapshot() with { ProducerEpoch = Bump(m.ProducerEpoch), State = TransactionState.PrepareAbort, LastUpdateMs = now };
                    append = BeginWrite(m, next);
                }

                LogTimedOut(m.TransactionalId, m.ProducerId, next.ProducerEpoch);
                _ = FinishAbortAsync(m, next, append);
            }
        }
        catch (Exception e)
        {
            LogTimerFailed(e);
        }
    }

    private async Task FinishAbortAsync(TransactionMetadata m, TransactionLogValue next, ValueTask<ErrorCode> append)
    {
        if (await WriteAsync(m, next, append).ConfigureAwait(false) == ErrorCode.None) StartCompletion(m, next);
    }

    /// <summary>
    /// Every transaction.remove.expired.transaction.cleanup.interval.ms: an id with no transaction and no activity for
    /// transactional.id.expiration.ms is removed (a tombstone in <c>__transaction_state</c>, compacted away later).
    /// </summary>
    public void RemoveExpired()
    {
        try
        {
            long now = NowMs();
            foreach (var m in _txns.Values)
            {
                if (!IsLoaded(m.Partition)) continue;
                ValueTask<ErrorCode> append;
                lock (m.Sync)
                {
                    if (m.Removed || m.Pending is not null || m.LastUpdateMs + _options.TransactionalIdExpirationMs > now
                        || m.State is not (TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort)) continue;
                    append = BeginWrite(m, null);
                }

                LogExpired(m.TransactionalId);
                _ = WriteAsync(m, null, append);
            }
        }
        catch (Exception e)
        {
            LogTimerFailed(e);
        }
    }
}
