using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// DeleteTopics v0–6: by name (v0–5 topic_names, v6 topics[name]) or by topic id (v6). As Kafka, the answer comes
/// right after the deletions are requested when timeout_ms &lt;= 0; otherwise the topics are awaited together, at
/// most timeout_ms, and one still present by then is answered REQUEST_TIMED_OUT (its deletion goes on). The wait (timeout_ms is the client's)
/// ends with the connection; the deletions go on.
/// </summary>
public sealed class DeleteTopicsHandler(ITopicAdmin admin, IClusterMetadata cluster) : RequestHandler<DeleteTopicsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DeleteTopicsRequest request)
    {
        var response = new DeleteTopicsResponse();
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs));
        var pending = new List<(DeleteTopicsResponse.DeletableTopicResult Result, Task<(ErrorCode, string?)> Deletion)>();
        var targets = context.ApiVersion >= 6
            ? request.Topics.Select(t => (t.Name, t.TopicId))
            : request.TopicNames.Select(n => ((string?)n, KafkaUuid.Zero));
        foreach (var (name, id) in targets)
        {
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = name, TopicId = id };
            string? resolved = name;
            if (resolved is null)
            {
                if (cluster.TryGetTopic(id, out var byId)) resolved = result.Name = byId.Name;
                else
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicId;
                    response.Responses.Add(result);
                    continue;
                }
            }

            if (!context.IsAllowed(AclOperation.Delete, AclResourceType.Topic, resolved))
            {
                // Kafka: Delete on the topic; by id, a topic not even describable reads as unknown.
                result.ErrorCode = (short)(name is null && !context.IsAllowed(AclOperation.Describe, AclResourceType.Topic, resolved)
                    ? ErrorCode.UnknownTopicId : ErrorCode.TopicAuthorizationFailed);
                if (name is null && result.ErrorCode == (short)ErrorCode.UnknownTopicId) result.Name = null;
                response.Responses.Add(result);
                continue;
            }

            if (cluster.TryGetTopic(resolved, out var topic)) result.TopicId = topic.TopicId;
            pending.Add((result, admin.DeleteTopicAsync(resolved, wait)));
            response.Responses.Add(result);
        }

        foreach (var (result, deletion) in pending)
        {
            var (error, message) = await deletion.WaitAsync(context.ConnectionClosed).ConfigureAwait(false);
            result.ErrorCode = (short)error;
            result.ErrorMessage = message;
        }

        return response;
    }
}
