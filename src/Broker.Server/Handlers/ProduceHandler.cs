using System.Runtime.InteropServices;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Metrics;
using Broker.Server.Partitions;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// Produce v3+: exactly one magic-2 batch per partition, validated as Kafka's LogValidator does (size, CRC-32C, then
/// every record, compressed batches decompressed in a bounded stream; see <c>ProduceHandler.Validation.cs</c>) and
/// appended as received. A request holding a transactional batch is refused whole with
/// TRANSACTIONAL_ID_AUTHORIZATION_FAILED (transactions are not supported). A partition listed twice keeps only its last
/// entry, as Kafka's request map does: one append, one response entry. acks=0 gets no response; acks=1 is answered after the leader's
/// append; acks=-1 first needs at least min.insync.replicas in the ISR (else NOT_ENOUGH_REPLICAS, nothing
/// appended), then is answered once the high watermark covers the batch (Kafka's delayed produce), or with
/// REQUEST_TIMED_OUT after the request's timeout, NOT_LEADER_OR_FOLLOWER if leadership moved meanwhile, and
/// NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below the minimum while waiting.
/// </summary>
public sealed partial class ProduceHandler(ReplicaManager replicas, IClusterMetadata cluster, TimeProvider time, BrokerMetrics? metrics = null) : RequestHandler<ProduceRequest>
{
    /// <summary>ZSTD batches need Produce v7+ (KIP-110), as in Kafka.</summary>
    private const short ZstdMinVersion = 7;

    public override ApiKey ApiKey => ApiKey.Produce;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ProduceRequest request)
    {
        var response = new ProduceResponse();
        List<PendingAck>? pending = null;
        bool acksValid = request.Acks is -1 or 0 or 1;
        bool transactional = request.TransactionalId is null && HasTransactionalBatch(request);
        var last = LastEntries(request);
        foreach (var topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicResponse { Name = topic.Name };
            foreach (var data in topic.PartitionData)
            {
                if (last is not null && !ReferenceEquals(last[(topic.Name, data.Index)], data)) continue;
                var result = new ProduceResponse.PartitionResponse { Index = data.Index, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 };
                if (!acksValid) result.ErrorCode = (short)ErrorCode.InvalidRequiredAcks;
                else if (transactional) result.ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed;
                else if (Append(context.ApiVersion, request.Acks, topic.Name, data, result) is { } wait) (pending ??= []).Add(wait);
                topicResponse.PartitionResponses.Add(result);
            }

            if (topicResponse.PartitionResponses.Count > 0) response.Responses.Add(topicResponse);
        }

        if (pending is null) return ValueTask.FromResult<IKafkaResponse?>(request.Acks == 0 ? null : response);
        return WaitForReplicationAsync(pending, TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)), response, context.ConnectionClosed);
    }

    /// <summary>A batch appended with acks=all whose answer waits for the high watermark.</summary>
    private readonly record struct PendingAck(Partition Partition, long RequiredOffset, int LeaderEpoch, ProduceResponse.PartitionResponse Result);

    /// <remarks><paramref name="aborted"/> (the client left, or the shutdown drain ended) ends the waits with an
    /// exception: nobody is left to answer, and the frame loop closes the connection.</remarks>
    private async ValueTask<IKafkaResponse?> WaitForReplicationAsync(List<PendingAck> pending, TimeSpan timeout, ProduceResponse response, CancellationToken aborted)
    {
        var waits = pending.Select(p => p.Partition.WaitForReplicationAsync(p.RequiredOffset, p.LeaderEpoch, timeout, time, aborted)).ToArray();
        await Task.WhenAll(waits).ConfigureAwait(false);
        for (int i = 0; i < pending.Count; i++)
        {
            var error = waits[i].Result;
            if (error == ErrorCode.None) continue;
            var result = pending[i].Result;
            result.ErrorCode = (short)error;
            result.BaseOffset = -1;
            result.LogAppendTimeMs = -1;
        }

        return response;
    }

    private PendingAck? Append(short version, short acks, string topic, ProduceRequest.ProducePartition data, ProduceResponse.PartitionResponse result)
    {
        var lookup = LeaderLookup.Find(replicas, cluster, topic, data.Index, out var partition);
        if (lookup != ErrorCode.None)
        {
            result.ErrorCode = (short)lookup;
            return null;
        }

        result.LogStartOffset = partition.Log.LogStartOffset;
        var records = data.Records?.Memory ?? ReadOnlyMemory<byte>.Empty;
        if (records.Length < RecordBatchHeader.Size || !RecordBatchHeader.TryRead(records.Span, out var header))
        {
            result.ErrorCode = (short)ErrorCode.CorruptMessage;
            result.ErrorMessage = "The produce request carries no complete record batch";
            return null;
        }

        if (header.Magic != RecordBatchHeader.CurrentMagic)
        {
            // Kafka's ProduceRequest.validateRecords: InvalidRecordException, not UNSUPPORTED_FOR_MESSAGE_FORMAT.
            result.ErrorCode = (short)ErrorCode.InvalidRecord;
            result.ErrorMessage = $"Produce requests with version {version} are only allowed to contain record batches with magic version 2";
            return null;
        }

        if (header.TotalSize != records.Length)
        {
            result.ErrorCode = (short)ErrorCode.InvalidRecord;
            result.ErrorMessage = "Produce requests with version 3 or later must contain exactly one record batch per partition";
            return null;
        }

        if (header.Compression == CompressionType.Zstd && version < ZstdMinVersion)
        {
            result.ErrorCode = (short)ErrorCode.UnsupportedCompressionType;
            return null;
        }

        if (Validate(records, partition.Log.Config, out string? invalid) is var refused and not RecordBatchError.None)
        {
            result.ErrorCode = (short)ToErrorCode(refused);
            result.ErrorMessage = invalid;
            return null;
        }

        // The frame buffer belongs to this request: the log patches offsets into it in place and writes it once.
        // Leadership, the min.insync.replicas check and the epoch the answer waits under are decided with the append,
        // under the partition's lock: read apart, a leadership change in between answers a stored batch NOT_LEADER
        // (and a non-idempotent producer's retry duplicates it).
        var writable = MemoryMarshal.AsMemory(records);
        // Validate checked the CRC (and re-wrote it after a timestamp fix): the log does not compute it a second time.
        var leaderAppend = partition.AppendAsLeader(writable.Span, requireMinIsr: acks == -1, crcVerified: true);
        if (leaderAppend.Error == ErrorCode.NotEnoughReplicas)
        {
            // Refused before appending, as Kafka does: nothing is written, so a retry cannot duplicate.
            result.ErrorCode = (short)ErrorCode.NotEnoughReplicas;
            result.ErrorMessage = $"The ISR has {leaderAppend.IsrSize} replica(s); min.insync.replicas is {partition.MinInsyncReplicas}";
            return null;
        }

        if (leaderAppend.Error != ErrorCode.None)
        {
            result.ErrorCode = (short)leaderAppend.Error;
            return null;
        }

        var appended = leaderAppend.Log;
        int epoch = leaderAppend.LeaderEpoch;

        if (appended.Error == RecordBatchError.DuplicateSequence)
        {
            // A retry of a batch already stored: success with the original offsets, as Kafka answers it; with
            // acks=all still only once the original is replicated.
            result.BaseOffset = appended.BaseOffset;
            result.LogStartOffset = appended.LogStartOffset;
            if (acks != -1 || partition.HighWatermark > appended.LastOffset) return null;
            return new PendingAck(partition, appended.LastOffset + 1, epoch, result);
        }

        if (!appended.IsSuccess)
        {
            result.ErrorCode = (short)ToErrorCode(appended.Error);
            result.ErrorMessage = appended.ErrorMessage;
            return null;
        }

        // Kafka's messages-in and bytes-in: counted on the leader's append only, once per batch (a retried duplicate
        // above was counted when first appended).
        metrics?.LeaderAppended(topic, header.RecordsCount, records.Length);
        result.BaseOffset = appended.BaseOffset;
        result.LogAppendTimeMs = appended.LogAppendTime;
        result.LogStartOffset = appended.LogStartOffset;
        if (acks != -1 || partition.HighWatermark > appended.LastOffset) return null;
        return new PendingAck(partition, appended.LastOffset + 1, epoch, result);
    }
}
