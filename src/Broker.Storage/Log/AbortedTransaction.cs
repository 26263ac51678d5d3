namespace Broker.Storage.Log;

/// <summary>
/// One entry of the aborted-transaction index (Kafka's AbortedTxn): the producer, the first offset of its aborted
/// transaction, the offset of the abort marker, and the last stable offset right after the marker.
/// </summary>
public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset);
