using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Security.Authorization;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeAcls v0–3, as Kafka's AclAuthorizer: needs Describe on the cluster (else CLUSTER_AUTHORIZATION_FAILED);
/// without an authorizer SECURITY_DISABLED; a filter with an UNKNOWN field INVALID_REQUEST. Answers the matching ACLs
/// of this broker's cache, grouped by resource pattern. v0 knows only literal patterns (filter pattern LITERAL).
/// </summary>
public sealed class DescribeAclsHandler(IAclAdmin acls) : RequestHandler<DescribeAclsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeAcls;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DescribeAclsRequest request)
    {
        var response = new DescribeAclsResponse();
        var filter = new AclBindingFilter((AclResourceType)request.ResourceTypeFilter, request.ResourceNameFilter,
            (AclPatternType)request.PatternTypeFilter, request.PrincipalFilter, request.HostFilter,
            (AclOperation)request.Operation, (AclPermission)request.PermissionType);
        var error = !acls.Enabled ? ErrorCode.SecurityDisabled
            : !context.IsAllowedOnCluster(AclOperation.Describe) ? ErrorCode.ClusterAuthorizationFailed
            : ErrorCode.None;
        if (error == ErrorCode.None && filter.Invalid is { } why)
        {
            (response.ErrorCode, response.ErrorMessage) = ((short)ErrorCode.InvalidRequest, why);
            return ValueTask.FromResult<IKafkaResponse?>(response);
        }

        if (error != ErrorCode.None)
        {
            (response.ErrorCode, response.ErrorMessage) = ((short)error, AclApiErrors.Message(error));
            return ValueTask.FromResult<IKafkaResponse?>(response);
        }

        foreach (var group in acls.Describe(filter).GroupBy(b => b.Pattern))
        {
            response.Resources.Add(new DescribeAclsResponse.DescribeAclsResource
            {
                ResourceType = (sbyte)group.Key.Type, ResourceName = group.Key.Name, PatternType = (sbyte)group.Key.PatternType,
                Acls = group.Select(b => new DescribeAclsResponse.AclDescription
                {
                    Principal = b.Entry.Principal, Host = b.Entry.Host, Operation = (sbyte)b.Entry.Operation, PermissionType = (sbyte)b.Entry.Permission,
                }).ToList(),
            });
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }
}
