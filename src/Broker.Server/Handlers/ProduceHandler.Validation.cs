using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Storage;

namespace Broker.Server.Handlers;

public sealed partial class ProduceHandler
{
    /// <summary>
    /// Kafka's LogValidator for a batch from a client, before it reaches the log: framing and CRC-32C, then the
    /// client-only rules (no control batches, a base sequence with every producer id), then every record (decompressed
    /// in a bounded stream) against the header and the topic's timestamp rules. Runs outside the partition lock; a
    /// CreateTime batch whose header maxTimestamp disagrees with its records gets the records' maximum (Kafka rewrites
    /// it too), so the time index and ListOffsets by timestamp see the truth.
    /// </summary>
    private RecordBatchError Validate(ReadOnlyMemory<byte> batch, LogConfig config, out string? message)
    {
        message = null;
        RecordBatchError shallow = RecordBatchValidator.ValidateOne(batch.Span, config.MaxMessageBytes, out RecordBatchHeader header);
        if (shallow != RecordBatchError.None)
        {
            return shallow;
        }

        if (header.IsControl)
        {
            message = "Clients are not allowed to write control records";
            return RecordBatchError.InvalidRecord;
        }

        if (header.ProducerId >= 0 && header.BaseSequence < 0)
        {
            message = $"Invalid sequence number {header.BaseSequence} in record batch with producerId {header.ProducerId}";
            return RecordBatchError.InvalidRecord;
        }

        var options = RecordValidationOptions.ForTopic(config.MaxMessageBytes, config.MessageTimestampType,
            time.GetUtcNow().ToUnixTimeMilliseconds(), config.MessageTimestampDifferenceMaxMs);
        RecordBatchError deep = RecordBatchValidator.ValidateRecords(batch, options, out long maxTimestamp, out message);
        if (deep == RecordBatchError.None && maxTimestamp != header.MaxTimestamp && config.MessageTimestampType == TimestampType.CreateTime)
        {
            Span<byte> writable = MemoryMarshal.AsMemory(batch).Span[..header.TotalSize];
            BinaryPrimitives.WriteInt64BigEndian(writable[35..], maxTimestamp);
            RecordBatch.WriteCrc(writable);
        }

        return deep;
    }

    /// <summary>
    /// Kafka's answer for each reason a batch is refused, except SequenceReused. A batch with a stored batch's producer
    /// id, epoch and sequence range but other records only comes from a buggy client: kafkajs 2.2.4 rolls its sequence
    /// back when a request fails on its side (connection closed by a crashed leader) although the broker stored it, and
    /// the next concurrent send goes out under that sequence. Kafka compares only the sequence and answers success with
    /// the stored batch's offset: a false acknowledgment, the new records are never stored. We answer CORRUPT_MESSAGE
    /// (2): retriable, so kafkajs rolls the sequence back again and retries the call with a fresh one once the stored
    /// batch's own retry has taken the old one; INVALID_RECORD (87) is not retriable and failed the send. A correct
    /// idempotent producer (librdkafka, Java) never sends one sequence with two contents, so it never sees this answer.
    /// </summary>
    private static ErrorCode ToErrorCode(RecordBatchError error) => error switch
    {
        RecordBatchError.RecordTooLarge => ErrorCode.MessageTooLarge,
        RecordBatchError.InvalidRecord => ErrorCode.InvalidRecord,
        RecordBatchError.UnsupportedMagic => ErrorCode.InvalidRecord,
        RecordBatchError.InvalidTimestamp => ErrorCode.InvalidTimestamp,
        RecordBatchError.OutOfOrderSequence => ErrorCode.OutOfOrderSequenceNumber,
        RecordBatchError.InvalidProducerEpoch => ErrorCode.InvalidProducerEpoch,
        RecordBatchError.SequenceReused => ErrorCode.CorruptMessage,
        _ => ErrorCode.CorruptMessage,
    };

    /// <summary>
    /// Kafka's KafkaApis refuses a whole request that carries transactional records unless its transactional id is
    /// authorized; a request without a transactional id never is, so every partition gets
    /// TRANSACTIONAL_ID_AUTHORIZATION_FAILED. With a transactional id (no authorizer here) the batches are appended and
    /// open a transaction in each partition's producer state (the last stable offset stays at its first offset until
    /// the coordinator's marker). The caller checks the transactional id.
    /// </summary>
    private static bool HasTransactionalBatch(ProduceRequest request)
    {
        foreach (var topic in request.TopicData)
        {
            foreach (var data in topic.PartitionData)
            {
                var records = (data.Records?.Memory ?? ReadOnlyMemory<byte>.Empty).Span;
                if (records.Length >= RecordBatchHeader.Size && RecordBatchHeader.TryRead(records, out var header)
                    && header.Magic == RecordBatchHeader.CurrentMagic && header.IsTransactional)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// When a partition is listed more than once, its last entry (Kafka collects the request into a map, so the last
    /// one wins and the response has one entry per partition); null in the usual case of no repeats.
    /// </summary>
    private static Dictionary<(string Topic, int Partition), ProduceRequest.ProducePartition>? LastEntries(ProduceRequest request)
    {
        int total = request.TopicData.Sum(t => t.PartitionData.Count);
        if (total < 2)
        {
            return null;
        }

        var seen = new HashSet<(string, int)>(total);
        bool repeated = false;
        foreach (var topic in request.TopicData)
        {
            foreach (var data in topic.PartitionData)
            {
                repeated |= !seen.Add((topic.Name, data.Index));
            }
        }

        if (!repeated)
        {
            return null;
        }

        var last = new Dictionary<(string, int), ProduceRequest.ProducePartition>(total);
        foreach (var topic in request.TopicData)
        {
            foreach (var data in topic.PartitionData)
            {
                last[(topic.Name, data.Index)] = data;
            }
        }

        return last;
    }
}
