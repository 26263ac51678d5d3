namespace Broker.Storage.Log;

/// <summary>
/// A stored batch's records do not parse (a batch written before records were validated: its CRC matches, its
/// records do not fit their batch). Thrown only by record-level lookups (ListOffsets by timestamp); reads of whole
/// batches do not parse records. Handlers answer INVALID_RECORD for the partition, as Kafka does when its record
/// iterator throws InvalidRecordException, and keep the connection.
/// </summary>
public sealed class CorruptStoredRecordException(string message, Exception? inner = null) : IOException(message, inner);
