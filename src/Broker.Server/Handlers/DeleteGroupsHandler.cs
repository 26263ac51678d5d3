using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>DeleteGroups v0–2: removes groups without members (NON_EMPTY_GROUP otherwise) with their offsets.</summary>
public sealed class DeleteGroupsHandler(GroupCoordinator coordinator) : RequestHandler<DeleteGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DeleteGroupsRequest request)
    {
        var response = new DeleteGroupsResponse();
        foreach (string groupId in request.GroupsNames)
        {
            var error = !context.IsAllowed(AclOperation.Delete, AclResourceType.Group, groupId) ? ErrorCode.GroupAuthorizationFailed
                : await coordinator.DeleteGroupAsync(groupId).WaitAsync(context.ConnectionClosed).ConfigureAwait(false);
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = groupId, ErrorCode = (short)error });
        }

        return response;
    }
}
