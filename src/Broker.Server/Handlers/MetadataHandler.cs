using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// Metadata: brokers, controller and the requested topics. Missing topics are auto-created when both the broker
/// (<c>auto.create.topics.enable</c>) and the request (<c>allow_auto_topic_creation</c>, v4+) allow it.
/// v0 asks for all topics with an empty list; v1+ with null (an empty list then means none).
/// Leader epochs are the controller's (v7+), so clients detect stale leaders (FENCED_LEADER_EPOCH) and validate
/// their positions with OffsetForLeaderEpoch after a leader change.
/// Authorization (Kafka's): "all topics" lists only the topics the principal may Describe; a named topic it may not
/// Describe is answered TOPIC_AUTHORIZATION_FAILED whether it exists or not; a missing topic is auto-created only with
/// Create on the cluster or on the topic, else TOPIC_AUTHORIZATION_FAILED.
/// </summary>
public sealed class MetadataHandler(IClusterMetadata cluster, ITopicAdmin admin, BrokerConfig config) : RequestHandler<MetadataRequest>
{
    public override ApiKey ApiKey => ApiKey.Metadata;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, MetadataRequest request)
    {
        short version = context.ApiVersion;
        var response = new MetadataResponse
        {
            ClusterId = cluster.ClusterId,
            ControllerId = cluster.ControllerId,
        };
        // Each client is answered with the endpoints of the listener its request arrived on (Kafka's rule), so an
        // internal PLAINTEXT + external SSL setup sends each kind of client to the addresses it can reach.
        foreach (var broker in cluster.Brokers)
        {
            if (broker.On(context.Listener.Name) is { } b)
                response.Brokers.Add(new MetadataResponse.Broker { NodeId = b.Id, Host = b.Host, Port = b.Port, Rack = b.Rack });
        }

        bool all = request.Topics is null || (version == 0 && request.Topics.Count == 0);
        if (all)
        {
            foreach (var topic in cluster.Topics.OrderBy(t => t.Name, StringComparer.Ordinal))
                if (context.IsAllowed(AclOperation.Describe, AclResourceType.Topic, topic.Name)) response.Topics.Add(Describe(topic));
        }
        else
        {
            bool mayCreate = config.AutoCreateTopicsEnable && (version < 4 || request.AllowAutoTopicCreation);
            foreach (var wanted in request.Topics!)
            {
                response.Topics.Add(await LookupAsync(context, wanted, mayCreate));
            }
        }

        return response;
    }

    private async Task<MetadataResponse.Topic> LookupAsync(RequestContext context, MetadataRequest.RequestTopic wanted, bool mayCreate)
    {
        if (wanted.Name is null)
        {
            if (!cluster.TryGetTopic(wanted.TopicId, out var byId))
                return new MetadataResponse.Topic { ErrorCode = (short)ErrorCode.UnknownTopicId, TopicId = wanted.TopicId };
            return context.IsAllowed(AclOperation.Describe, AclResourceType.Topic, byId.Name)
                ? Describe(byId)
                : new MetadataResponse.Topic { ErrorCode = (short)ErrorCode.TopicAuthorizationFailed, TopicId = wanted.TopicId };
        }

        if (!context.IsAllowed(AclOperation.Describe, AclResourceType.Topic, wanted.Name))
            return new MetadataResponse.Topic { ErrorCode = (short)ErrorCode.TopicAuthorizationFailed, Name = wanted.Name };

        if (cluster.TryGetTopic(wanted.Name, out var topic)) return Describe(topic);
        if (TopicName.Validate(wanted.Name) is not null)
            return new MetadataResponse.Topic { ErrorCode = (short)ErrorCode.InvalidTopicException, Name = wanted.Name };
        if (mayCreate)
        {
            if (!context.IsAllowedOnCluster(AclOperation.Create) && !context.IsAllowed(AclOperation.Create, AclResourceType.Topic, wanted.Name))
                return new MetadataResponse.Topic { ErrorCode = (short)ErrorCode.TopicAuthorizationFailed, Name = wanted.Name };
            var created = await admin.AutoCreateAsync(wanted.Name);
            if (created.Topic is not null) return Describe(created.Topic);
            if (cluster.TryGetTopic(wanted.Name, out topic)) return Describe(topic); // created concurrently
            return new MetadataResponse.Topic { ErrorCode = (short)created.Error, Name = wanted.Name };
        }

        return new MetadataResponse.Topic { ErrorCode = (short)ErrorCode.UnknownTopicOrPartition, Name = wanted.Name };
    }

    private static MetadataResponse.Topic Describe(TopicInfo topic)
    {
        var result = new MetadataResponse.Topic { Name = topic.Name, TopicId = topic.TopicId, IsInternal = topic.IsInternal };
        foreach (var p in topic.Partitions)
        {
            result.Partitions.Add(new MetadataResponse.Partition
            {
                ErrorCode = (short)(p.Leader < 0 ? ErrorCode.LeaderNotAvailable : ErrorCode.None),
                PartitionIndex = p.Partition,
                LeaderId = p.Leader,
                LeaderEpoch = p.LeaderEpoch,
                ReplicaNodes = [.. p.Replicas],
                IsrNodes = [.. p.Isr],
                OfflineReplicas = [.. p.OfflineReplicas],
            });
        }

        return result;
    }
}
