using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// CreateTopics v0–7: partitions and replication factor (or -1 for the broker defaults, v4+), explicit replica
/// assignments, topic configs and validate_only. A name given twice in one request is refused for both entries,
/// as Kafka does. v5+ answers with the partition count, replication factor and the topic's config overrides.
/// A partition count above <see cref="PartitionCountLimit"/> is refused (INVALID_PARTITIONS) before anything is
/// planned or allocated, validate_only included. The topics are written one after another, then their leaders are
/// awaited together, at most timeout_ms (none when timeout_ms &lt;= 0 or validate_only): a topic without leaders by
/// then is answered REQUEST_TIMED_OUT though it stays created, as Kafka's delayed CreateTopics. The wait (timeout_ms is the
/// client's, up to 24.8 days) ends with the connection; the topics stay created.
/// </summary>
public sealed class CreateTopicsHandler(ITopicAdmin admin, PartitionCountLimit limit, BrokerConfig config) : RequestHandler<CreateTopicsRequest>
{
    /// <summary>Kafka's ConfigSource code for a per-topic override.</summary>
    private const sbyte TopicConfigSource = 1;

    public override ApiKey ApiKey => ApiKey.CreateTopics;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, CreateTopicsRequest request)
    {
        var response = new CreateTopicsResponse();
        var pending = new List<(CreateTopicsResponse.CreatableTopicResult Result, TopicCreation Outcome)>();
        var duplicates = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        // Kafka: Create on the cluster allows every topic, else Create on each topic.
        bool clusterCreate = context.IsAllowedOnCluster(AclOperation.Create);
        foreach (var topic in request.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name, NumPartitions = -1, ReplicationFactor = -1 };
            if (duplicates.Contains(topic.Name))
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = $"Create topics request from client `{context.ClientId}` contains multiple entries for the following topics: {topic.Name}";
                response.Topics.Add(result);
                continue;
            }

            if (!clusterCreate && !context.IsAllowed(AclOperation.Create, AclResourceType.Topic, topic.Name))
            {
                result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                result.ErrorMessage = "Authorization failed.";
                response.Topics.Add(result);
                continue;
            }

            long requested = topic.Assignments.Count > 0 ? topic.Assignments.Count : topic.NumPartitions == -1 ? config.NumPartitions : topic.NumPartitions;
            if (limit.Check(requested) is { } tooMany)
            {
                result.ErrorCode = (short)ErrorCode.InvalidPartitions;
                result.ErrorMessage = tooMany;
                response.Topics.Add(result);
                continue;
            }

            var assignments = topic.Assignments.Count == 0
                ? null
                : topic.Assignments.OrderBy(a => a.PartitionIndex).Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList();
            var configs = topic.Configs.Select(c => new KeyValuePair<string, string?>(c.Name, c.Value)).ToList();
            // Written one after another (as Kafka: a later name sees an earlier one); the leaders are awaited below.
            var outcome = await admin.CreateTopicAsync(new TopicCreationRequest(
                topic.Name, topic.NumPartitions, topic.ReplicationFactor, assignments, configs, request.ValidateOnly, TimeSpan.Zero));
            if (outcome.Topic is not null)
            {
                result.Configs = configs.Select(c => new CreateTopicsResponse.CreatableTopicConfigs
                {
                    Name = c.Key, Value = c.Value, ConfigSource = TopicConfigSource,
                }).ToList();
            }

            pending.Add((result, outcome));
            response.Topics.Add(result);
        }

        // Kafka answers at once for timeout_ms <= 0 or validate_only; otherwise it waits, at most timeout_ms for the
        // whole request, until every created topic has leaders, and answers REQUEST_TIMED_OUT for those without.
        var outcomes = pending.Select(p => p.Outcome).ToList();
        if (!request.ValidateOnly && request.TimeoutMs > 0)
        {
            outcomes = [.. await admin.AwaitLeadersAsync(outcomes, TimeSpan.FromMilliseconds(request.TimeoutMs)).WaitAsync(context.ConnectionClosed).ConfigureAwait(false)];
        }

        for (int i = 0; i < pending.Count; i++)
        {
            var (result, outcome) = (pending[i].Result, outcomes[i]);
            result.ErrorCode = (short)outcome.Error;
            result.ErrorMessage = outcome.Message;
            if (outcome.Topic is { } created)
            {
                result.TopicId = created.TopicId;
                result.NumPartitions = created.Partitions.Count;
                result.ReplicationFactor = (short)created.ReplicationFactor;
            }
        }

        return response;
    }
}
