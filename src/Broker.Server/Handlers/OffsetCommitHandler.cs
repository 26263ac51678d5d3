using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// OffsetCommit v0–8: member and generation checks (generation -1 = standalone commit), v1 per-partition commit
/// timestamps, v2–4 retention time, v6+ leader epochs, v7+ group.instance.id. Answered once the commit is stored in
/// <c>__consumer_offsets</c>.
/// </summary>
public sealed class OffsetCommitHandler(GroupCoordinator coordinator) : RequestHandler<OffsetCommitRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, OffsetCommitRequest request)
    {
        // Kafka: Read on the group (else every partition GROUP_AUTHORIZATION_FAILED, nothing committed), then Read on
        // each topic (else its partitions TOPIC_AUTHORIZATION_FAILED, the others committed).
        bool groupAllowed = context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId);
        var deniedTopics = request.Topics.Select(t => t.Name).Where(t => !context.IsAllowed(AclOperation.Read, AclResourceType.Topic, t))
            .ToHashSet(StringComparer.Ordinal);
        var entries = request.Topics.Where(t => groupAllowed && !deniedTopics.Contains(t.Name))
            .SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(
                t.Name, p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata,
                context.ApiVersion == 1 ? p.CommitTimestamp : -1)))
            .ToList();
        var errors = entries.Count == 0 && (!groupAllowed || deniedTopics.Count > 0) ? [] : await coordinator.CommitOffsetsAsync(new OffsetCommitCommand(
            request.GroupId, request.GenerationId, request.MemberId, request.GroupInstanceId, request.RetentionTimeMs, entries))
            .WaitAsync(context.ConnectionClosed).ConfigureAwait(false); // the replication wait (offsets.commit.timeout.ms) ends with the client
        var response = new OffsetCommitResponse();
        int i = 0;
        foreach (var topic in request.Topics)
        {
            var result = new OffsetCommitResponse.OffsetCommitTopicResult { Name = topic.Name };
            foreach (var p in topic.Partitions)
            {
                var error = !groupAllowed ? ErrorCode.GroupAuthorizationFailed
                    : deniedTopics.Contains(topic.Name) ? ErrorCode.TopicAuthorizationFailed : errors[i++];
                result.Partitions.Add(new OffsetCommitResponse.OffsetCommitPartitionResult { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error });
            }

            response.Topics.Add(result);
        }

        return response;
    }
}
