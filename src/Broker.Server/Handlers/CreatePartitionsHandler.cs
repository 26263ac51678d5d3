using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// CreatePartitions v0–3: grows topics (never shrinks: INVALID_PARTITIONS), optionally with explicit replicas for the
/// new partitions; validate_only checks without changing anything. A topic named twice is refused for both entries.
/// A total above <see cref="PartitionCountLimit"/> is refused (INVALID_PARTITIONS) before anything is planned.
/// </summary>
public sealed class CreatePartitionsHandler(ITopicAdmin admin, PartitionCountLimit limit) : RequestHandler<CreatePartitionsRequest>
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, CreatePartitionsRequest request)
    {
        var response = new CreatePartitionsResponse();
        var duplicates = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var topic in request.Topics)
        {
            var (error, message) = duplicates.Contains(topic.Name)
                ? (ErrorCode.InvalidRequest, "Duplicate topic in request.")
                : !context.IsAllowed(AclOperation.Alter, AclResourceType.Topic, topic.Name)
                ? (ErrorCode.TopicAuthorizationFailed, "Authorization failed.")
                : limit.Check(topic.Count) is { } tooMany
                ? (ErrorCode.InvalidPartitions, tooMany)
                : await admin.CreatePartitionsAsync(topic.Name, topic.Count,
                    topic.Assignments?.Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList(), request.ValidateOnly);
            response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult
            {
                Name = topic.Name, ErrorCode = (short)error, ErrorMessage = message,
            });
        }

        return response;
    }
}
