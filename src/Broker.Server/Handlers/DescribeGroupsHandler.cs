using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeGroups v0–5: state, protocol and members (client id, host "/ip", and in Stable their metadata and
/// assignment). Unknown groups are described as Dead. v3+ may ask for the authorized operations: without ACLs every
/// group operation (READ, DELETE, DESCRIBE) is allowed.
/// </summary>
public sealed class DescribeGroupsHandler(GroupCoordinator coordinator) : RequestHandler<DescribeGroupsRequest>
{
    /// <summary>Bits of Kafka's AclOperation codes READ (3), DELETE (6) and DESCRIBE (8).</summary>
    private const int GroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DescribeGroupsRequest request)
    {
        var response = new DescribeGroupsResponse();
        foreach (string groupId in request.Groups)
        {
            if (!context.IsAllowed(AclOperation.Describe, AclResourceType.Group, groupId))
            {
                response.Groups.Add(new DescribeGroupsResponse.DescribedGroup
                {
                    ErrorCode = (short)ErrorCode.GroupAuthorizationFailed, GroupId = groupId, GroupState = "", ProtocolType = "", ProtocolData = "",
                    AuthorizedOperations = int.MinValue,
                });
                continue;
            }

            var d = coordinator.DescribeGroup(groupId);
            var described = new DescribeGroupsResponse.DescribedGroup
            {
                ErrorCode = (short)d.Error,
                GroupId = d.GroupId,
                GroupState = d.State.ToString(),
                ProtocolType = d.ProtocolType,
                ProtocolData = d.ProtocolData,
                AuthorizedOperations = request.IncludeAuthorizedOperations && d.Error == ErrorCode.None ? GroupOperations : int.MinValue,
            };
            foreach (var m in d.Members)
            {
                described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = m.MemberId, GroupInstanceId = m.GroupInstanceId, ClientId = m.ClientId, ClientHost = m.ClientHost,
                    MemberMetadata = m.Metadata, MemberAssignment = m.Assignment,
                });
            }

            response.Groups.Add(described);
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }
}
