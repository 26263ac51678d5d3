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
        foreach (var g in groups)
        {
            response.Groups.Add(new ListGroupsResponse.ListedGroup { GroupId = g.GroupId, ProtocolType = g.ProtocolType, GroupState = g.State.ToString() });
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }
}
