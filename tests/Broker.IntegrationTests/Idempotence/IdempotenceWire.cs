using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;

namespace Broker.IntegrationTests.Idempotence;

/// <summary>Raw-protocol steps of an idempotent producer (InitProducerId, Produce of hand-built batches) for one partition.</summary>
internal static class IdempotenceWire
{
    public static void CreateTopic(RawConnection c, string topic)
    {
        var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }],
            TimeoutMs = 5000,
        }, 7);
        Assert.That(created.Topics.Single().ErrorCode, Is.EqualTo(0), "create " + topic);
    }

    public static InitProducerIdResponse InitProducerId(RawConnection c, long producerId = -1, short epoch = -1) =>
        c.RoundTrip<InitProducerIdResponse>(new InitProducerIdRequest { TransactionTimeoutMs = -1, ProducerId = producerId, ProducerEpoch = epoch }, 4);

    public static byte[] Batch(long producerId, short epoch, int baseSequence, int records, string prefix = "v")
    {
        var builder = new RecordBatchBuilder(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
        {
            ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence,
        };
        for (int i = 0; i < records; i++)
        {
            builder.Add("k" + i, $"{prefix}-{baseSequence + i}");
        }

        return builder.Build();
    }

    public static (ErrorCode Error, long BaseOffset) Produce(RawConnection c, string topic, byte[] batch)
    {
        ProduceResponse.PartitionResponse partition = ProducePartition(c, topic, batch);
        return ((ErrorCode)partition.ErrorCode, partition.BaseOffset);
    }

    /// <summary>Produce v9 (acks=all) of one batch to partition 0; the whole partition answer, error message included.</summary>
    public static ProduceResponse.PartitionResponse ProducePartition(RawConnection c, string topic, byte[] batch)
    {
        var response = c.RoundTrip<ProduceResponse>(new ProduceRequest
        {
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
        return response.Responses.Single().PartitionResponses.Single();
    }

    public static long LogEndOffset(RawConnection c, string topic)
    {
        var response = c.RoundTrip<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1 }] }],
        }, 7);
        return response.Topics.Single().Partitions.Single().Offset;
    }
}
