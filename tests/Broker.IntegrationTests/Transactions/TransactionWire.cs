using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Confluent.Kafka;
using ErrorCode = Broker.Protocol.ErrorCode;

namespace Broker.IntegrationTests.Transactions;

/// <summary>
/// Raw-protocol steps of a transaction's partition side, as a transactional producer and its coordinator would send
/// them: transactional Produce (with a transactional id), WriteTxnMarkers, and read_committed / read_uncommitted reads.
/// </summary>
internal static class TransactionWire
{
    public static byte[] TxnBatch(long producerId, short epoch, int baseSequence, params string[] values)
    {
        var builder = new RecordBatchBuilder(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
        {
            ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence, IsTransactional = true,
        };
        foreach (string value in values)
        {
            builder.Add("k", value);
        }

        return builder.Build();
    }

    public static byte[] PlainBatch(params string[] values)
    {
        var builder = new RecordBatchBuilder(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (string value in values)
        {
            builder.Add("k", value);
        }

        return builder.Build();
    }

    /// <summary>Produce v9 acks=all of one batch to partition 0 with <paramref name="transactionalId"/>.</summary>
    public static (ErrorCode Error, long BaseOffset) ProduceTxn(RawConnection c, string topic, byte[] batch, string? transactionalId = "tx")
    {
        var response = c.RoundTrip<ProduceResponse>(new ProduceRequest
        {
            TransactionalId = transactionalId,
            Acks = -1,
            TimeoutMs = 5000,
            TopicData =
            [
                new ProduceRequest.ProduceTopic
                {
                    Name = topic,
                    PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(batch.ToArray()) }],
                },
            ],
        }, 9);
        var p = response.Responses.Single().PartitionResponses.Single();
        return ((ErrorCode)p.ErrorCode, p.BaseOffset);
    }

    /// <summary>WriteTxnMarkers v1 for partition 0 of <paramref name="topic"/>; the partition's error.</summary>
    public static ErrorCode WriteMarker(RawConnection c, string topic, long producerId, short epoch, bool commit, int coordinatorEpoch = 0)
    {
        var response = c.RoundTrip<WriteTxnMarkersResponse>(new WriteTxnMarkersRequest
        {
            Markers =
            [
                new WriteTxnMarkersRequest.WritableTxnMarker
                {
                    ProducerId = producerId, ProducerEpoch = epoch, TransactionResult = commit, CoordinatorEpoch = coordinatorEpoch,
                    Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic, PartitionIndexes = [0] }],
                },
            ],
        }, 1);
        return (ErrorCode)response.Markers.Single().Topics.Single().Partitions.Single().ErrorCode;
    }

    /// <summary>Fetch v11 of partition 0 from <paramref name="offset"/> at <paramref name="isolation"/> (0 or 1), without waiting.</summary>
    public static FetchResponse.PartitionData Fetch(RawConnection c, string topic, long offset, sbyte isolation)
    {
        var response = c.RoundTrip<FetchResponse>(new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = 0,
            MinBytes = 1,
            MaxBytes = 1 << 20,
            IsolationLevel = isolation,
            Topics =
            [
                new FetchRequest.FetchTopic
                {
                    Topic = topic,
                    Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = offset, PartitionMaxBytes = 1 << 20, CurrentLeaderEpoch = -1, LogStartOffset = -1 }],
                },
            ],
        }, 11);
        return response.Responses.Single().Partitions.Single();
    }

    /// <summary>ListOffsets v5 latest of partition 0 at <paramref name="isolation"/>.</summary>
    public static long Latest(RawConnection c, string topic, sbyte isolation)
    {
        var response = c.RoundTrip<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = isolation,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1, CurrentLeaderEpoch = -1 }] }],
        }, 5);
        return response.Topics.Single().Partitions.Single().Offset;
    }

    /// <summary>The values a Confluent.Kafka consumer at <paramref name="isolation"/> reads from the beginning of partition 0 up to its end.</summary>
    public static List<string> ConsumeAll(string bootstrap, string topic, IsolationLevel isolation)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "txn-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = isolation,
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null) continue;
            if (result.IsPartitionEOF) return values;
            values.Add(result.Message.Value);
        }

        Assert.Fail($"no end of partition within 20 s; read {string.Join(",", values)}");
        return values;
    }

    /// <summary>Values from a raw fetch's records (control batches skipped), in offset order.</summary>
    public static List<string> Values(ReadOnlyMemory<byte> records)
    {
        var values = new List<string>();
        var span = records.Span;
        int at = 0;
        while (at + RecordBatchHeader.Size <= span.Length)
        {
            var header = RecordBatchHeader.Read(span[at..]);
            if (!header.IsControl)
            {
                var reader = new RecordReader(span.Slice(at, header.TotalSize));
                while (reader.TryReadNext(out var record)) values.Add(record.ValueAsString()!);
            }

            at += header.TotalSize;
        }

        return values;
    }
}
