using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// IncrementalAlterConfigs v0–1: SET, DELETE, APPEND and SUBTRACT (the last two on list settings) applied to a topic's
/// current overrides, all or nothing per resource. A key named twice in one resource is INVALID_REQUEST; unknown
/// names and bad values are INVALID_CONFIG. BROKER resources change dynamic broker configs (KIP-226, see
/// <see cref="IBrokerConfigAdmin"/>); Kafka answers their refusals INVALID_REQUEST.
/// </summary>
public sealed class IncrementalAlterConfigsHandler(ITopicAdmin admin, IBrokerConfigAdmin brokers) : RequestHandler<IncrementalAlterConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, IncrementalAlterConfigsRequest request)
    {
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            (ErrorCode Error, string? Message) outcome;
            var duplicates = resource.Configs.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (DescribeConfigsHandler.Denied(context, AclOperation.AlterConfigs, resource.ResourceType, resource.ResourceName) is { } denied)
            {
                outcome = (denied, denied.Message());
            }
            else if (duplicates.Count > 0)
            {
                outcome = (ErrorCode.InvalidRequest, $"Error due to duplicate config keys: {string.Join(", ", duplicates)}");
            }
            else
            {
                var changes = resource.Configs.Select(c => new TopicConfigChange(c.Name, (ConfigOperation)c.ConfigOperation, c.Value)).ToList();
                outcome = await AlterAsync(admin, brokers, resource.ResourceType, resource.ResourceName, changes, replaceAll: false, request.ValidateOnly);
            }

            response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
            {
                ErrorCode = (short)outcome.Error, ErrorMessage = outcome.Message,
                ResourceType = resource.ResourceType, ResourceName = resource.ResourceName,
            });
        }

        return response;
    }

    /// <summary>Shared by both alter APIs: routes a resource to the topic admin or refuses it.</summary>
    internal static Task<(ErrorCode Error, string? Message)> AlterAsync(ITopicAdmin admin, IBrokerConfigAdmin brokers, sbyte resourceType, string resourceName,
        IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly) => resourceType switch
    {
        DescribeConfigsHandler.TopicResource => admin.AlterTopicConfigsAsync(resourceName, changes, replaceAll, validateOnly),
        DescribeConfigsHandler.BrokerResource => brokers.AlterAsync(resourceName, changes, replaceAll, validateOnly),
        DescribeConfigsHandler.BrokerLoggerResource =>
            Task.FromResult((ErrorCode.InvalidRequest, (string?)"Broker loggers are configured in the broker's NLog file, not through the admin API")),
        _ => Task.FromResult((ErrorCode.InvalidRequest, (string?)$"Unsupported resource type {resourceType}")),
    };
}
