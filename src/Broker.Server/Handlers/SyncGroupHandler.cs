using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// SyncGroup v0–5: the leader brings every member's assignment; followers wait (without blocking a thread) for it.
/// v5 checks the protocol type and name against the group's and echoes them. A follower's wait ends with its connection
/// (issue 12), as a parked JoinGroup's: the member stays until its session expires and the answer is dropped.
/// </summary>
public sealed class SyncGroupHandler(GroupCoordinator coordinator) : RequestHandler<SyncGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.SyncGroup;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, SyncGroupRequest request)
    {
        if (!context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId))
            return new SyncGroupResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        var result = await coordinator.SyncGroupAsync(new SyncGroupCommand(
            request.GroupId,
            request.GenerationId,
            request.MemberId,
            request.GroupInstanceId,
            request.ProtocolType,
            request.ProtocolName,
            request.Assignments.Select(a => (a.MemberId, a.Assignment.ToArray())).ToList())).WaitAsync(context.ConnectionClosed).ConfigureAwait(false);
        return new SyncGroupResponse
        {
            ErrorCode = (short)result.Error,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName,
            Assignment = result.Assignment,
        };
    }
}
