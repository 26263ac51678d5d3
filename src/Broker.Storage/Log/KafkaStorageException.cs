namespace Broker.Storage.Log;

/// <summary>
/// A partition's log dir is offline (an I/O error hit it, now or earlier): nothing was written. Handlers answer
/// KAFKA_STORAGE_ERROR (retriable: clients refresh metadata and find the new leader).
/// </summary>
public sealed class KafkaStorageException(string message, Exception? inner = null) : IOException(message, inner);
