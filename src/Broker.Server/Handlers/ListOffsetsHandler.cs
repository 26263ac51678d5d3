using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Storage.Log;

namespace Broker.Server.Handlers;

/// <summary>
/// ListOffsets v0–7: -1 latest (the high watermark; with isolation_level 1 the last stable offset), -2 earliest (log start), -3 the first record with the largest
/// timestamp and that timestamp (v7, KIP-734), otherwise the first offset whose timestamp is at or after the one asked for (offset -1 when none).
/// v0 answers in the old form, a list of offsets. A stored batch whose records do not parse answers INVALID_RECORD for its
/// partition (as Kafka).
/// </summary>
public sealed class ListOffsetsHandler(ReplicaManager replicas, IClusterMetadata cluster) : RequestHandler<ListOffsetsRequest>
{
    public override ApiKey ApiKey => ApiKey.ListOffsets;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ListOffsetsRequest request)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            foreach (var p in topic.Partitions)
            {
                var result = new ListOffsetsResponse.ListOffsetsPartitionResponse
                {
                    PartitionIndex = p.PartitionIndex, Timestamp = -1, Offset = -1, LeaderEpoch = -1,
                };
                var lookup = LeaderLookup.Find(replicas, cluster, topic.Name, p.PartitionIndex, out var partition);
                if (lookup == ErrorCode.None) lookup = LeaderLookup.CheckEpoch(partition, p.CurrentLeaderEpoch);
                if (lookup != ErrorCode.None)
                {
                    result.ErrorCode = (short)lookup;
                }
                else
                {
                    TimestampAndOffset? found;
                    try
                    {
                        found = Lookup(partition, p.Timestamp, context.ApiVersion >= 2 && request.IsolationLevel == 1);
                    }
                    catch (CorruptStoredRecordException)
                    {
                        // A batch stored before records were validated: Kafka's record iterator throws
                        // InvalidRecordException there and ListOffsets answers that partition INVALID_RECORD.
                        result.ErrorCode = (short)ErrorCode.InvalidRecord;
                        topicResponse.Partitions.Add(result);
                        continue;
                    }

                    result.Timestamp = found?.Timestamp ?? -1;
                    result.Offset = found?.Offset ?? -1;
                    result.LeaderEpoch = partition.LeaderEpoch;
                    if (context.ApiVersion == 0 && found is { } f) result.OldStyleOffsets.Add(f.Offset);
                }

                topicResponse.Partitions.Add(result);
            }

            response.Topics.Add(topicResponse);
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }

    /// <summary>
    /// <paramref name="readCommitted"/> (isolation_level 1, v2+): the last fetchable offset is the last stable offset
    /// instead of the high watermark, for latest and for timestamp lookups alike (Kafka's fetchOffsetForTimestamp).
    /// </summary>
    private static TimestampAndOffset? Lookup(Partition partition, long timestamp, bool readCommitted)
    {
        long lastFetchable = readCommitted ? partition.LastStableOffset : partition.HighWatermark;
        return timestamp switch
        {
            PartitionLog.LatestTimestamp => new TimestampAndOffset(-1, lastFetchable),
            PartitionLog.EarliestTimestamp => new TimestampAndOffset(-1, partition.Log.LogStartOffset),
            // Records at or above the high watermark are not committed yet: consumers must not be sent there (as Kafka,
            // this holds for -3 too: the max-timestamp record is answered once it is committed).
            _ => partition.Log.OffsetForTimestamp(timestamp) is { } found && found.Offset < lastFetchable ? found : null,
        };
    }
}
