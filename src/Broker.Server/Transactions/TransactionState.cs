namespace Broker.Server.Transactions;

/// <summary>
/// States of a transactional id, with the byte Kafka stores in <c>__transaction_state</c> (TransactionLogValue
/// transaction_status). <see cref="PrepareEpochFence"/> exists only in memory: the coordinator bumps the epoch of a
/// zombie's ongoing transaction and writes PrepareAbort with the new epoch.
/// </summary>
public enum TransactionState : sbyte
{
    Empty = 0,
    Ongoing = 1,
    PrepareCommit = 2,
    PrepareAbort = 3,
    CompleteCommit = 4,
    CompleteAbort = 5,
    Dead = 6,
    PrepareEpochFence = 7,
}
