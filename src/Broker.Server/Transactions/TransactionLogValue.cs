using Broker.Storage;

namespace Broker.Server.Transactions;

/// <summary>
/// One <c>__transaction_state</c> value: the state of a transactional id after a transition. Partitions are those of
/// the transaction in progress (empty in Empty and Complete* states). Times are Unix milliseconds. Immutable.
/// </summary>
public sealed record TransactionLogValue(
    long ProducerId,
    short ProducerEpoch,
    int TimeoutMs,
    TransactionState State,
    IReadOnlyList<TopicPartition> Partitions,
    long LastUpdateMs,
    long StartMs);
