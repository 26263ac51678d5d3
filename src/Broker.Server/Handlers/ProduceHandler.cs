using System.Runtime.InteropServices;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// Produce v3+: exactly one magic-2 batch per partition, validated (size, CRC-32C, count) and appended as received;
/// compressed batches are never decompressed. acks=0 gets no response; acks=1 and acks=-1 are answered after the
/// append (with one replica the high watermark moves with the append, so acks=-1 needs no wait yet).
/// </summary>
public sealed class ProduceHandler(ReplicaManager replicas, IClusterMetadata cluster, BrokerConfig config) : RequestHandler<ProduceRequest>
{
    /// <summary>ZSTD batches need Produce v7+ (KIP-110), as in Kafka.</summary>
    private const short ZstdMinVersion = 7;

    public override ApiKey ApiKey => ApiKey.Produce;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ProduceRequest request)
    {
        var response = new ProduceResponse();
        bool acksValid = request.Acks is -1 or 0 or 1;
        foreach (var topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicResponse { Name = topic.Name };
            foreach (var data in topic.PartitionData)
            {
                var result = new ProduceResponse.PartitionResponse { Index = data.Index, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 };
                if (!acksValid) result.ErrorCode = (short)ErrorCode.InvalidRequiredAcks;
                else Append(context.ApiVersion, request.Acks, topic.Name, data, result);
                topicResponse.PartitionResponses.Add(result);
            }

            response.Responses.Add(topicResponse);
        }

        return ValueTask.FromResult<IKafkaResponse?>(request.Acks == 0 ? null : response);
    }

    private void Append(short version, short acks, string topic, ProduceRequest.ProducePartition data, ProduceResponse.PartitionResponse result)
    {
        var lookup = LeaderLookup.Find(replicas, cluster, topic, data.Index, out var partition);
        if (lookup != ErrorCode.None)
        {
            result.ErrorCode = (short)lookup;
            return;
        }

        result.LogStartOffset = partition.Log.LogStartOffset;
        if (acks == -1 && config.MinInsyncReplicas > 1)
        {
            // One replica can never satisfy min.insync.replicas > 1: refuse before appending, as Kafka does.
            result.ErrorCode = (short)ErrorCode.NotEnoughReplicas;
            return;
        }

        var records = data.Records?.Memory ?? ReadOnlyMemory<byte>.Empty;
        if (records.Length < RecordBatchHeader.Size || !RecordBatchHeader.TryRead(records.Span, out var header))
        {
            result.ErrorCode = (short)ErrorCode.CorruptMessage;
            result.ErrorMessage = "The produce request carries no complete record batch";
            return;
        }

        if (header.Magic != RecordBatchHeader.CurrentMagic)
        {
            result.ErrorCode = (short)ErrorCode.UnsupportedForMessageFormat;
            return;
        }

        if (header.TotalSize != records.Length)
        {
            result.ErrorCode = (short)ErrorCode.InvalidRecord;
            result.ErrorMessage = "Produce requests with version 3 or later must contain exactly one record batch per partition";
            return;
        }

        if (header.Compression == CompressionType.Zstd && version < ZstdMinVersion)
        {
            result.ErrorCode = (short)ErrorCode.UnsupportedCompressionType;
            return;
        }

        // The frame buffer belongs to this request: the log patches offsets into it in place and writes it once.
        var writable = MemoryMarshal.AsMemory(records);
        var appended = partition.Log.Append(writable.Span, partition.LeaderEpoch);
        if (appended.Error == RecordBatchError.DuplicateSequence)
        {
            // A retry of a batch already stored: success with the original offsets, as Kafka answers it.
            result.BaseOffset = appended.BaseOffset;
            result.LogStartOffset = appended.LogStartOffset;
            return;
        }

        if (!appended.IsSuccess)
        {
            result.ErrorCode = (short)(appended.Error switch
            {
                RecordBatchError.RecordTooLarge => ErrorCode.MessageTooLarge,
                RecordBatchError.InvalidRecord => ErrorCode.InvalidRecord,
                RecordBatchError.UnsupportedMagic => ErrorCode.UnsupportedForMessageFormat,
                RecordBatchError.OutOfOrderSequence => ErrorCode.OutOfOrderSequenceNumber,
                RecordBatchError.InvalidProducerEpoch => ErrorCode.InvalidProducerEpoch,
                _ => ErrorCode.CorruptMessage,
            });
            return;
        }

        partition.DataAppended.Notify();
        result.BaseOffset = appended.BaseOffset;
        result.LogAppendTimeMs = appended.LogAppendTime;
        result.LogStartOffset = appended.LogStartOffset;
    }
}
