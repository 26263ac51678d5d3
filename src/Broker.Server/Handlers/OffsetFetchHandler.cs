using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// OffsetFetch v0–8: committed offsets of the requested partitions, or of every committed partition when the topic
/// list is null (v2+). v0–1 carry group errors in each partition, v2–7 in a top-level error, v8 batches groups with
/// one error each. require_stable (v7+) never waits: there are no pending transactional commits.
/// </summary>
public sealed class OffsetFetchHandler(GroupCoordinator coordinator) : RequestHandler<OffsetFetchRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, OffsetFetchRequest request)
    {
        var response = new OffsetFetchResponse();
        if (context.ApiVersion >= 8)
        {
            foreach (var group in request.Groups)
            {
                var topics = group.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
                var (error, offsets) = Fetch(context, group.GroupId, topics);
                var result = new OffsetFetchResponse.OffsetFetchGroupResult { GroupId = group.GroupId, ErrorCode = (short)error };
                foreach (var byTopic in offsets.GroupBy(o => o.Topic))
                {
                    var topic = new OffsetFetchResponse.OffsetFetchGroupTopicResult { Name = byTopic.Key };
                    foreach (var o in byTopic)
                    {
                        topic.Partitions.Add(new OffsetFetchResponse.OffsetFetchGroupPartitionResult
                        {
                            PartitionIndex = o.Partition, CommittedOffset = o.Offset, CommittedLeaderEpoch = o.LeaderEpoch,
                            Metadata = o.Metadata, ErrorCode = (short)o.Error,
                        });
                    }

                    result.Topics.Add(topic);
                }

                response.Groups.Add(result);
            }

            return ValueTask.FromResult<IKafkaResponse?>(response);
        }

        var requested = request.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
        var (groupError, fetched) = Fetch(context, request.GroupId, requested);
        if (groupError != ErrorCode.None && context.ApiVersion < 2 && requested is not null)
        {
            // v0–1 have no top-level error: every requested partition carries it.
            fetched = requested.SelectMany(t => t.Item2.Select(p => new FetchedOffset(t.Name, p, -1, -1, "", groupError))).ToList();
        }

        response.ErrorCode = (short)groupError;
        foreach (var byTopic in fetched.GroupBy(o => o.Topic))
        {
            var topic = new OffsetFetchResponse.OffsetFetchTopicResult { Name = byTopic.Key };
            foreach (var o in byTopic)
            {
                topic.Partitions.Add(new OffsetFetchResponse.OffsetFetchPartitionResult
                {
                    PartitionIndex = o.Partition, CommittedOffset = o.Offset, CommittedLeaderEpoch = o.LeaderEpoch,
                    Metadata = o.Metadata, ErrorCode = (short)o.Error,
                });
            }

            response.Topics.Add(topic);
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }

    /// <summary>
    /// Kafka's checks: Describe on the group (else GROUP_AUTHORIZATION_FAILED), then Describe on each topic: a requested
    /// topic not allowed answers TOPIC_AUTHORIZATION_FAILED per partition, and "all topics" leaves it out.
    /// </summary>
    private (ErrorCode Error, IReadOnlyList<FetchedOffset> Offsets) Fetch(RequestContext context, string groupId, List<(string Name, IReadOnlyList<int>)>? topics)
    {
        if (!context.IsAllowed(AclOperation.Describe, AclResourceType.Group, groupId)) return (ErrorCode.GroupAuthorizationFailed, []);
        if (!context.Authorizer.Enabled) return coordinator.FetchOffsets(groupId, topics);
        bool Allowed(string t) => context.IsAllowed(AclOperation.Describe, AclResourceType.Topic, t);
        if (topics is null)
        {
            var (allError, all) = coordinator.FetchOffsets(groupId, null);
            return (allError, all.Where(o => Allowed(o.Topic)).ToList());
        }

        var (error, offsets) = coordinator.FetchOffsets(groupId, topics.Where(t => Allowed(t.Name)).ToList());
        var denied = topics.Where(t => !Allowed(t.Name))
            .SelectMany(t => t.Item2.Select(p => new FetchedOffset(t.Name, p, -1, -1, "", ErrorCode.TopicAuthorizationFailed)));
        return (error, offsets.Concat(denied).ToList());
    }
}
