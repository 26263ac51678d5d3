namespace Broker.Storage.Producers;

/// <summary>
/// A transaction ended by a marker: the producer, the offset of its first batch in this partition (the marker's own
/// offset when it had none), the marker's offset, whether it aborted, and the last stable offset once it ended (the
/// first offset of the oldest other open transaction, else the marker's offset + 1), as Kafka's CompletedTxn and
/// the aborted-transaction index entry it becomes.
/// </summary>
public readonly record struct CompletedTransaction(long ProducerId, long FirstOffset, long LastOffset, bool IsAborted, long LastStableOffset);
