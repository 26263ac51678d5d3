using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// LeaveGroup v0–5: v0–2 name one member and answer one error; v3+ name a batch of members (by member id and/or
/// group.instance.id) and answer one error per member.
/// </summary>
public sealed class LeaveGroupHandler(GroupCoordinator coordinator) : RequestHandler<LeaveGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, LeaveGroupRequest request)
    {
        var response = new LeaveGroupResponse();
        if (!context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId))
            response.ErrorCode = (short)ErrorCode.GroupAuthorizationFailed;
        else if (context.ApiVersion < 3)
        {
            var (error, memberErrors) = coordinator.LeaveGroup(request.GroupId, [(request.MemberId, null)]);
            response.ErrorCode = (short)(error != ErrorCode.None ? error : memberErrors[0]);
        }
        else
        {
            var members = request.Members.Select(m => (m.MemberId, m.GroupInstanceId)).ToList();
            var (error, memberErrors) = coordinator.LeaveGroup(request.GroupId, members);
            response.ErrorCode = (short)error;
            if (error == ErrorCode.None)
            {
                for (int i = 0; i < members.Count; i++)
                {
                    response.Members.Add(new LeaveGroupResponse.MemberResponse
                    {
                        MemberId = members[i].MemberId, GroupInstanceId = members[i].GroupInstanceId, ErrorCode = (short)memberErrors[i],
                    });
                }
            }
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }
}
