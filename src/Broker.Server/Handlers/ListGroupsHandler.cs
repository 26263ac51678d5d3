using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>ListGroups v0–4: the groups this broker coordinates; v4 filters by state and reports each group's state.</summary>
public sealed class ListGroupsHandler(GroupCoordinator coordinator) : RequestHandler<ListGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.ListGroups;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ListGroupsRequest request)
    {
        var (error, groups) = coordinator.ListGroups(context.ApiVersion >= 4 ? request.StatesFilter : null);
        var response = new ListGroupsResponse { ErrorCode = (short)error };
        // Kafka: Describe on the cluster lists every group, else only the groups the principal may Describe.
        bool all = context.IsAllowedOnCluster(AclOperation.Describe);
        foreach (var g in groups)
        {
            if (!all && !context.IsAllowed(AclOperation.Describe, AclResourceType.Group, g.GroupId)) continue;
            response.Groups.Add(new ListGroupsResponse.ListedGroup { GroupId = g.GroupId, ProtocolType = g.ProtocolType, GroupState = g.State.ToString() });
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }
}
