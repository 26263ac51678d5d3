using System.Buffers;
using Broker.Protocol;
using Broker.Storage;

namespace Broker.Server.Transactions;

/// <summary>
/// Kafka's binary format of <c>__transaction_state</c> records, so Kafka's tools can read our topic. Key: int16
/// version 0, then the transactional id (int16-length string). Value: int16 version, then producer id (int64),
/// producer epoch (int16), timeout (int32), status (int8, <see cref="TransactionState"/>), partitions (int32 count of
/// {topic: int16-length string, partition ids: int32 count of int32}, -1 = null), last update time (int64), start
/// time (int64). Writes value version 0 (Kafka 3.6's only version); reads 0 and the flexible 1 (compact lengths,
/// tagged fields). A null value is a tombstone (the id expired). Stateless; thread-safe.
/// </summary>
public static class TransactionLogCodec
{
    public const short KeyVersion = 0;
    public const short ValueVersion = 0;

    public static byte[] EncodeKey(string transactionalId) => Encode((ref KafkaWriter w) =>
    {
        w.WriteInt16(KeyVersion);
        w.WriteString(transactionalId, false);
    });

    public static string DecodeKey(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var r = new KafkaReader(bytes);
            short version = r.ReadInt16();
            if (version != KeyVersion) throw new InvalidDataException($"unknown __transaction_state key version {version}");
            return r.ReadString(false);
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("truncated __transaction_state key", e);
        }
    }

    /// <summary>Value v0. Kafka writes a null partition list for Empty, an (empty) list otherwise.</summary>
    public static byte[] EncodeValue(TransactionLogValue value) => Encode((ref KafkaWriter w) =>
    {
        w.WriteInt16(ValueVersion);
        w.WriteInt64(value.ProducerId);
        w.WriteInt16(value.ProducerEpoch);
        w.WriteInt32(value.TimeoutMs);
        w.WriteInt8((sbyte)value.State);
        if (value.State == TransactionState.Empty)
        {
            w.WriteInt32(-1);
        }
        else
        {
            var byTopic = value.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            w.WriteInt32(byTopic.Count);
            foreach (var topic in byTopic)
            {
                w.WriteString(topic.Key, false);
                var ids = topic.Select(p => p.Partition).Order().ToList();
                w.WriteInt32(ids.Count);
                foreach (int id in ids) w.WriteInt32(id);
            }
        }

        w.WriteInt64(value.LastUpdateMs);
        w.WriteInt64(value.StartMs);
    });

    public static TransactionLogValue DecodeValue(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var r = new KafkaReader(bytes);
            short version = r.ReadInt16();
            if (version is < 0 or > 1) throw new InvalidDataException($"unknown __transaction_state value version {version}");
            bool flexible = version >= 1;
            long producerId = r.ReadInt64();
            short epoch = r.ReadInt16();
            int timeout = r.ReadInt32();
            var state = (TransactionState)r.ReadInt8();
            var partitions = new List<TopicPartition>();
            int topics = r.ReadArrayLength(flexible);
            for (int t = 0; t < topics; t++)
            {
                string topic = r.ReadString(flexible);
                int count = r.ReadArrayLength(flexible);
                for (int i = 0; i < count; i++) partitions.Add(new TopicPartition(topic, r.ReadInt32()));
                if (flexible) r.SkipTaggedFields();
            }

            long lastUpdate = r.ReadInt64();
            long start = r.ReadInt64();
            return new TransactionLogValue(producerId, epoch, timeout, state, partitions, lastUpdate, start);
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("truncated __transaction_state value", e);
        }
    }

    private delegate void WriteAction(ref KafkaWriter writer);

    private static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(buffer);
        write(ref writer);
        return buffer.WrittenSpan.ToArray();
    }
}
