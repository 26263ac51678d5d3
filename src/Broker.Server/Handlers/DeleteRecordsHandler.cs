using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// DeleteRecords v0–2 (KIP-107), sent to each partition's leader: raises the log start offset to the offset asked for
/// (-1: the high watermark), then waits, without holding a thread, until every live replica's log start offset has
/// reached it (Kafka's DelayedDeleteRecords on the low watermark; followers learn the new start from their next Fetch
/// answer and report theirs in the Fetch after that). Errors are per partition: INVALID_TOPIC_EXCEPTION for internal
/// topics, NOT_LEADER_OR_FOLLOWER / UNKNOWN_TOPIC_OR_PARTITION from the leader lookup, POLICY_VIOLATION when
/// cleanup.policy lacks delete, OFFSET_OUT_OF_RANGE for an offset above the high watermark, REQUEST_TIMED_OUT (with
/// the low watermark reached so far) when the replicas did not catch up within timeout_ms, NOT_LEADER_OR_FOLLOWER
/// when leadership moved meanwhile.
/// </summary>
public sealed class DeleteRecordsHandler(ReplicaManager replicas, IClusterMetadata cluster, TimeProvider time) : RequestHandler<DeleteRecordsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteRecords;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DeleteRecordsRequest request)
    {
        var response = new DeleteRecordsResponse();
        var pending = new List<Pending>();
        foreach (var topic in request.Topics)
        {
            var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            foreach (var p in topic.Partitions)
            {
                var result = new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, LowWatermark = -1 };
                topicResult.Partitions.Add(result);
                if (!context.IsAllowed(AclOperation.Delete, AclResourceType.Topic, topic.Name))
                {
                    result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                    continue;
                }

                if (TopicName.IsInternal(topic.Name))
                {
                    result.ErrorCode = (short)ErrorCode.InvalidTopicException;
                    continue;
                }

                var lookup = LeaderLookup.Find(replicas, cluster, topic.Name, p.PartitionIndex, out var partition);
                if (lookup != ErrorCode.None)
                {
                    result.ErrorCode = (short)lookup;
                    continue;
                }

                var (error, requested) = partition.DeleteRecordsAsLeader(p.Offset);
                if (error != ErrorCode.None)
                {
                    result.ErrorCode = (short)error;
                    continue;
                }

                pending.Add(new Pending(partition, requested, result));
            }

            response.Topics.Add(topicResult);
        }

        await WaitForLowWatermarksAsync(pending, TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)), context.Aborted).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Completes each partition once its low watermark reached the requested offset (or leadership was lost); the
    /// rest answer REQUEST_TIMED_OUT after <paramref name="timeout"/> with the low watermark they reached.
    /// </summary>
    private async Task WaitForLowWatermarksAsync(List<Pending> pending, TimeSpan timeout, CancellationToken ct)
    {
        long deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            // Take the wake-up tasks before checking, so a follower fetch between the check and the wait is not missed.
            var signals = pending.Select(p => p.Partition.LogStartOffsetChanged.WaitAsync()).ToList();
            signals.AddRange(pending.Select(p => p.Partition.HighWatermarkChanged.WaitAsync())); // role changes
            pending.RemoveAll(TryComplete);
            if (pending.Count == 0) return;
            var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || ct.IsCancellationRequested)
            {
                foreach (var p in pending) p.Result.ErrorCode = (short)ErrorCode.RequestTimedOut;
                return;
            }

            try
            {
                await Task.WhenAny(signals).WaitAsync(left, time, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
            }
        }
    }

    private bool TryComplete(Pending pending)
    {
        var low = pending.Partition.LowWatermark(IsAlive);
        if (low is not { } lowWatermark)
        {
            pending.Result.ErrorCode = (short)ErrorCode.NotLeaderOrFollower;
            pending.Result.LowWatermark = -1;
            return true;
        }

        pending.Result.LowWatermark = lowWatermark;
        return lowWatermark >= pending.RequestedOffset;
    }

    private bool IsAlive(int brokerId) => cluster.Brokers.Any(b => b.Id == brokerId);

    private sealed record Pending(Partition Partition, long RequestedOffset, DeleteRecordsResponse.DeleteRecordsPartitionResult Result);
}
