using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>Heartbeat v0–4: keeps a member's session; REBALANCE_IN_PROGRESS while the group rebalances.</summary>
public sealed class HeartbeatHandler(GroupCoordinator coordinator) : RequestHandler<HeartbeatRequest>
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, HeartbeatRequest request)
    {
        var error = context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId)
            ? coordinator.Heartbeat(request.GroupId, request.MemberId, request.GroupInstanceId, request.GenerationId)
            : ErrorCode.GroupAuthorizationFailed;
        return ValueTask.FromResult<IKafkaResponse?>(new HeartbeatResponse { ErrorCode = (short)error });
    }
}
