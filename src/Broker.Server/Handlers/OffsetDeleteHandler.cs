using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// OffsetDelete v0: deletes a group's committed offsets; partitions of topics the group is subscribed to answer
/// GROUP_SUBSCRIBED_TO_TOPIC.
/// </summary>
public sealed class OffsetDeleteHandler(GroupCoordinator coordinator) : RequestHandler<OffsetDeleteRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetDelete;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, OffsetDeleteRequest request)
    {
        // Kafka: Delete on the group, then Read on each topic (TOPIC_AUTHORIZATION_FAILED for the others).
        if (!context.IsAllowed(AclOperation.Delete, AclResourceType.Group, request.GroupId))
            return new OffsetDeleteResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        var deniedTopics = request.Topics.Select(t => t.Name).Where(t => !context.IsAllowed(AclOperation.Read, AclResourceType.Topic, t))
            .ToHashSet(StringComparer.Ordinal);
        var partitions = request.Topics.Where(t => !deniedTopics.Contains(t.Name)).SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex))).ToList();
        var (error, errors) = await coordinator.DeleteOffsetsAsync(request.GroupId, partitions).WaitAsync(context.ConnectionClosed).ConfigureAwait(false);
        var response = new OffsetDeleteResponse { ErrorCode = (short)error };
        if (error != ErrorCode.None) return response;
        int i = 0;
        foreach (var topic in request.Topics)
        {
            var result = new OffsetDeleteResponse.OffsetDeleteTopicResult { Name = topic.Name };
            foreach (var p in topic.Partitions)
            {
                var partitionError = deniedTopics.Contains(topic.Name) ? ErrorCode.TopicAuthorizationFailed : errors[i++];
                result.Partitions.Add(new OffsetDeleteResponse.OffsetDeletePartitionResult { PartitionIndex = p.PartitionIndex, ErrorCode = (short)partitionError });
            }

            response.Topics.Add(result);
        }

        return response;
    }
}
