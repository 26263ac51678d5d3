using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Groups;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Handlers;

/// <summary>
/// WriteTxnMarkers v0–1, sent by a transaction coordinator to each partition leader to end a transaction: appends a
/// commit or abort marker (a control batch) for the producer on every listed partition this broker leads, then answers
/// once every marker is replicated to the ISR (acks=all semantics, bounded by <see cref="ReplicationTimeout"/>).
/// Errors are per partition: NOT_LEADER_OR_FOLLOWER / UNKNOWN_TOPIC_OR_PARTITION from the leader lookup,
/// NOT_ENOUGH_REPLICAS(_AFTER_APPEND), INVALID_PRODUCER_EPOCH (marker epoch older than the producer's),
/// TRANSACTION_COORDINATOR_FENCED (coordinator epoch older than the last marker's), REQUEST_TIMED_OUT,
/// KAFKA_STORAGE_ERROR. Kafka allows only ClusterAction callers; without an authorizer any connection may send it.
/// </summary>
public sealed partial class WriteTxnMarkersHandler(ReplicaManager replicas, IClusterMetadata cluster, TimeProvider time, GroupCoordinator groups, ILogger<WriteTxnMarkersHandler> logger)
    : RequestHandler<WriteTxnMarkersRequest>
{
    /// <summary>How long a marker may wait for its replication (Kafka's request.timeout.ms default; the request has no timeout).</summary>
    public static readonly TimeSpan ReplicationTimeout = TimeSpan.FromSeconds(30);

    public override ApiKey ApiKey => ApiKey.WriteTxnMarkers;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, WriteTxnMarkersRequest request)
    {
        var response = new WriteTxnMarkersResponse();
        // Kafka: only brokers (ClusterAction on the cluster) write markers; anyone else gets the error on every partition.
        bool allowed = context.IsAllowedOnCluster(AclOperation.ClusterAction);
        var pending = new List<(Partition Partition, long Offset, int Epoch, WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult Result, WriteTxnMarkersRequest.WritableTxnMarker Marker)>();
        foreach (var marker in request.Markers)
        {
            var markerResult = new WriteTxnMarkersResponse.WritableTxnMarkerResult { ProducerId = marker.ProducerId };
            response.Markers.Add(markerResult);
            foreach (var topic in marker.Topics)
            {
                var topicResult = new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult { Name = topic.Name };
                markerResult.Topics.Add(topicResult);
                foreach (int index in topic.PartitionIndexes)
                {
                    var result = new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult { PartitionIndex = index };
                    topicResult.Partitions.Add(result);
                    if (!allowed)
                    {
                        result.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
                        continue;
                    }

                    var lookup = LeaderLookup.Find(replicas, cluster, topic.Name, index, out var partition);
                    if (lookup != ErrorCode.None)
                    {
                        result.ErrorCode = (short)lookup;
                        continue;
                    }

                    var append = partition.AppendMarkerAsLeader(marker.ProducerId, marker.ProducerEpoch, marker.CoordinatorEpoch, marker.TransactionResult);
                    if (append.Error != ErrorCode.None)
                    {
                        LogMarkerRefused(topic.Name, index, marker.ProducerId, marker.ProducerEpoch, marker.CoordinatorEpoch, append.Error);
                        result.ErrorCode = (short)append.Error;
                        continue;
                    }

                    pending.Add((partition, append.Log.LastOffset + 1, append.LeaderEpoch, result, marker));
                }
            }
        }

        if (pending.Count > 0)
        {
            var waits = pending.Select(p => p.Partition.WaitForReplicationAsync(p.Offset, p.Epoch, ReplicationTimeout, time, context.ConnectionClosed)).ToArray();
            await Task.WhenAll(waits).ConfigureAwait(false);

            for (int i = 0; i < pending.Count; i++)
            {
                pending[i].Result.ErrorCode = (short)waits[i].Result;
                // A marker on __consumer_offsets ends the producer's transactional offset commits there: the group
                // coordinator makes them visible (commit) or drops them (abort).
                if (waits[i].Result == ErrorCode.None && pending[i].Partition.Id.Topic == LocalOffsetsTopic.TopicName)
                    groups.CompleteTxnOffsets(pending[i].Partition.Id.Partition, pending[i].Marker.ProducerId, pending[i].Marker.TransactionResult);
            }
        }

        return response;
    }

    [LoggerMessage(4000, LogLevel.Information, "Refused transaction marker for {Topic}-{Partition} producer {ProducerId} epoch {ProducerEpoch} coordinator epoch {CoordinatorEpoch}: {Error}")]
    private partial void LogMarkerRefused(string topic, int partition, long producerId, short producerEpoch, int coordinatorEpoch, ErrorCode error);
}
