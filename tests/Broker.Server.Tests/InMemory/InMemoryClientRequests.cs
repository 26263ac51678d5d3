using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;

namespace Broker.Server.Tests.InMemory;

/// <summary>Shorthands for the requests the in-memory tests send most.</summary>
internal static class InMemoryClientRequests
{
    /// <summary>Produces one batch (acks=1) of the given (value, timestamp) records and returns the base offset.</summary>
    public static async Task<long> ProduceAsync(this InMemoryClient client, string topic, int partition, params (string Value, long Timestamp)[] records)
    {
        var builder = new RecordBatchBuilder();
        foreach (var (value, timestamp) in records) builder.Add(null, value, timestamp);
        var request = new ProduceRequest { Acks = 1, TimeoutMs = 10_000 };
        request.TopicData.Add(new ProduceRequest.ProduceTopic
        {
            Name = topic,
            PartitionData = { new ProduceRequest.ProducePartition { Index = partition, Records = new RecordSet(builder.Build()) } },
        });
        var response = await client.SendAsync<ProduceResponse>(request, 9);
        var answer = response.Responses.Single().PartitionResponses.Single();
        Assert.That((ErrorCode)answer.ErrorCode, Is.EqualTo(ErrorCode.None), "produce");
        return answer.BaseOffset;
    }

    /// <summary>A consumer fetch (replica id -1, no wait) of the given partitions at the given offsets.</summary>
    public static Task<FetchResponse> FetchAsync(this InMemoryClient client, short version, params (string Topic, int Partition, long Offset)[] partitions)
    {
        var request = new FetchRequest { ReplicaId = -1, MaxWaitMs = 0, MinBytes = 1, MaxBytes = 1 << 20 };
        foreach (var group in partitions.GroupBy(p => p.Topic))
        {
            var topic = new FetchRequest.FetchTopic { Topic = group.Key };
            foreach (var (_, p, offset) in group)
                topic.Partitions.Add(new FetchRequest.FetchPartition { Partition = p, FetchOffset = offset, PartitionMaxBytes = 1 << 20 });
            request.Topics.Add(topic);
        }

        return client.SendAsync<FetchResponse>(request, version);
    }

    /// <summary>ListOffsets for one partition and one timestamp (or spec: -1 latest, -2 earliest, -3 max timestamp).</summary>
    public static async Task<ListOffsetsResponse.ListOffsetsPartitionResponse> ListOffsetAsync(this InMemoryClient client, string topic, int partition, long timestamp, short version = 7)
    {
        var request = new ListOffsetsRequest { ReplicaId = -1 };
        request.Topics.Add(new ListOffsetsRequest.ListOffsetsTopic
        {
            Name = topic,
            Partitions = { new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = timestamp } },
        });
        var response = await client.SendAsync<ListOffsetsResponse>(request, version);
        return response.Topics.Single().Partitions.Single();
    }
}
