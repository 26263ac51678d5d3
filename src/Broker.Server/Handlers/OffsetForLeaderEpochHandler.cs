using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// OffsetForLeaderEpoch v0–4 (KIP-101, KIP-279, KIP-320): for each partition, the largest leader epoch at or below
/// the one asked for and the offset where it ends in the leader's log (the start of the next epoch, or the log end
/// for the current one); (-1, -1) when the epoch predates the leader's history. Followers use it to find where
/// their log diverges; consumers (librdkafka sends v2) to detect truncation after a leader change. Only the leader
/// answers, after checking the caller's current leader epoch (v2+).
/// </summary>
public sealed class OffsetForLeaderEpochHandler(ReplicaManager replicas, IClusterMetadata cluster) : RequestHandler<OffsetForLeaderEpochRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, OffsetForLeaderEpochRequest request)
    {
        var response = new OffsetForLeaderEpochResponse();
        // Kafka (KIP-320): ClusterAction on the cluster (followers) or Describe on the topic (consumers).
        bool clusterAction = !context.Authorizer.Enabled || context.IsAllowedOnCluster(AclOperation.ClusterAction);
        foreach (var topic in request.Topics)
        {
            var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic };
            bool allowed = clusterAction || context.IsAllowed(AclOperation.Describe, AclResourceType.Topic, topic.Topic);
            foreach (var p in topic.Partitions)
            {
                var result = new OffsetForLeaderEpochResponse.EpochEndOffset { Partition = p.Partition, LeaderEpoch = -1, EndOffset = -1 };
                var lookup = allowed ? LeaderLookup.Find(replicas, cluster, topic.Topic, p.Partition, out var partition)
                    : (ErrorCode.TopicAuthorizationFailed, partition = null!).Item1;
                if (lookup == ErrorCode.None) lookup = LeaderLookup.CheckEpoch(partition, p.CurrentLeaderEpoch);
                if (lookup != ErrorCode.None)
                {
                    result.ErrorCode = (short)lookup;
                }
                else
                {
                    var (epoch, end) = partition.Log.LeaderEpochs.EndOffsetFor(p.LeaderEpoch, partition.Log.LogEndOffset);
                    result.LeaderEpoch = epoch;
                    result.EndOffset = end;
                }

                topicResult.Partitions.Add(result);
            }

            response.Topics.Add(topicResult);
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }
}
