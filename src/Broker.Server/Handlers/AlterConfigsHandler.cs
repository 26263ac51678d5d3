using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Broker.Server.Topics;

namespace Broker.Server.Handlers;

/// <summary>
/// AlterConfigs v0–2: replaces a topic's whole override set with the given entries (entries left out return to their
/// inherited value). On a BROKER resource the entries replace its dynamic broker configs (KIP-226).
/// validate_only checks without changing anything.
/// </summary>
public sealed class AlterConfigsHandler(ITopicAdmin admin, IBrokerConfigAdmin brokers) : RequestHandler<AlterConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, AlterConfigsRequest request)
    {
        var response = new AlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var changes = resource.Configs.Select(c => new TopicConfigChange(c.Name, ConfigOperation.Set, c.Value)).ToList();
            var (error, message) = DescribeConfigsHandler.Denied(context, AclOperation.AlterConfigs, resource.ResourceType, resource.ResourceName) is { } denied
                ? (denied, denied.Message())
                : await IncrementalAlterConfigsHandler.AlterAsync(admin, brokers, resource.ResourceType, resource.ResourceName,
                    changes, replaceAll: true, request.ValidateOnly);
            response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
            {
                ErrorCode = (short)error, ErrorMessage = message, ResourceType = resource.ResourceType, ResourceName = resource.ResourceName,
            });
        }

        return response;
    }
}
