namespace Broker.Protocol.Records;

/// <summary>
/// Why a batch was rejected. Kafka error codes the server is expected to answer with: CorruptMessage -> 2
/// (CORRUPT_MESSAGE), RecordTooLarge -> 10 (MESSAGE_TOO_LARGE), InvalidRecord -> 87 (INVALID_RECORD),
/// UnsupportedMagic -> 87 as well (Kafka rejects non-v2 batches on Produce v3+ with InvalidRecordException),
/// InvalidTimestamp -> 32 (INVALID_TIMESTAMP).
/// Idempotence (producer state): DuplicateSequence -> 0 (NONE, answered with the original offsets),
/// OutOfOrderSequence -> 45 (OUT_OF_ORDER_SEQUENCE_NUMBER), InvalidProducerEpoch -> 47 (INVALID_PRODUCER_EPOCH).
/// SequenceReused -> 2 (CORRUPT_MESSAGE, retriable; Kafka has no such check and acknowledges with the stored offsets).
/// </summary>
public enum RecordBatchError : byte
{
    None = 0,

    /// <summary>Truncated data, impossible length or CRC mismatch.</summary>
    CorruptMessage,

    /// <summary>The batch is well formed but its contents break the format rules (record count vs. offsets).</summary>
    InvalidRecord,

    /// <summary>A batch is larger than the allowed maximum.</summary>
    RecordTooLarge,

    /// <summary>Magic byte other than 2.</summary>
    UnsupportedMagic,

    /// <summary>A record timestamp is outside the topic's window, or the producer claimed LogAppendTime.</summary>
    InvalidTimestamp,

    /// <summary>The batch repeats one of the producer's recent batches; it was stored before and not written again.</summary>
    DuplicateSequence,

    /// <summary>The batch's first sequence does not follow the producer's last one (or is not 0 for a new epoch).</summary>
    OutOfOrderSequence,

    /// <summary>The batch's producer epoch is older than the one the partition has seen.</summary>
    InvalidProducerEpoch,

    /// <summary>
    /// The batch has the producer id, epoch and sequence range of one of the producer's recent batches but different
    /// records: not a retry, so it is neither written nor acknowledged with the stored batch's offsets.
    /// </summary>
    SequenceReused,

    /// <summary>A transaction marker from a coordinator epoch older than the one that last wrote a marker for the producer (TRANSACTION_COORDINATOR_FENCED).</summary>
    TransactionCoordinatorFenced,
}
