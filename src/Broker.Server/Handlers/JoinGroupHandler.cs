using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// JoinGroup v0–7. The answer waits (without blocking a thread) until the rebalance completes. v4+ members without
/// an id get MEMBER_ID_REQUIRED with their id first (KIP-394); v5+ static members use group.instance.id; v7 answers
/// the protocol type and a nullable protocol name. The wait ends with the connection (issue 12): a client that leaves
/// while its join is parked releases its socket at once; the member stays in the group until its session expires and
/// the answer is dropped, as Kafka drops a response to a closed channel.
/// </summary>
public sealed class JoinGroupHandler(GroupCoordinator coordinator) : RequestHandler<JoinGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.JoinGroup;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, JoinGroupRequest request)
    {
        if (!context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId))
            return new JoinGroupResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed, GenerationId = -1, MemberId = request.MemberId,
                ProtocolName = context.ApiVersion >= 7 ? null : "" };
        var result = await coordinator.JoinGroupAsync(new JoinGroupCommand(
            request.GroupId,
            request.MemberId,
            request.GroupInstanceId,
            context.ClientId,
            context.ClientHost,
            request.SessionTimeoutMs,
            request.RebalanceTimeoutMs,
            request.ProtocolType,
            request.Protocols.Select(p => (p.Name, p.Metadata.ToArray())).ToList(),
            RequireKnownMemberId: context.ApiVersion >= 4)).WaitAsync(context.ConnectionClosed).ConfigureAwait(false);
        var response = new JoinGroupResponse
        {
            ErrorCode = (short)result.Error,
            GenerationId = result.GenerationId,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName ?? (context.ApiVersion >= 7 ? null : ""),
            Leader = result.LeaderId,
            MemberId = result.MemberId,
        };
        foreach (var m in result.Members)
        {
            response.Members.Add(new JoinGroupResponse.JoinGroupMember { MemberId = m.MemberId, GroupInstanceId = m.GroupInstanceId, Metadata = m.Metadata });
        }

        return response;
    }
}
