using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Security.Authorization;

namespace Broker.Server.Handlers;

/// <summary>
/// DeleteAcls v0–3, as Kafka's AclAuthorizer: needs Alter on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every
/// filter); without an authorizer SECURITY_DISABLED; a filter with an UNKNOWN field INVALID_REQUEST. Each filter's
/// result lists the ACLs it removed from ZooKeeper.
/// </summary>
public sealed class DeleteAclsHandler(IAclAdmin acls) : RequestHandler<DeleteAclsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteAcls;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DeleteAclsRequest request)
    {
        var response = new DeleteAclsResponse();
        var error = !acls.Enabled ? ErrorCode.SecurityDisabled
            : !context.IsAllowedOnCluster(AclOperation.Alter) ? ErrorCode.ClusterAuthorizationFailed
            : ErrorCode.None;
        foreach (var f in request.Filters)
        {
            var result = new DeleteAclsResponse.DeleteAclsFilterResult();
            response.FilterResults.Add(result);
            var filter = new AclBindingFilter((AclResourceType)f.ResourceTypeFilter, f.ResourceNameFilter, (AclPatternType)f.PatternTypeFilter,
                f.PrincipalFilter, f.HostFilter, (AclOperation)f.Operation, (AclPermission)f.PermissionType);
            if (error != ErrorCode.None)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)error, AclApiErrors.Message(error));
                continue;
            }

            if (filter.Invalid is { } why)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidRequest, why);
                continue;
            }

            try
            {
                foreach (var b in await acls.DeleteAsync(filter, context.Aborted).ConfigureAwait(false))
                {
                    result.MatchingAcls.Add(new DeleteAclsResponse.DeleteAclsMatchingAcl
                    {
                        ResourceType = (sbyte)b.Pattern.Type, ResourceName = b.Pattern.Name, PatternType = (sbyte)b.Pattern.PatternType,
                        Principal = b.Entry.Principal, Host = b.Entry.Host, Operation = (sbyte)b.Entry.Operation, PermissionType = (sbyte)b.Entry.Permission,
                    });
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.UnknownServerError, $"Failed to delete ACLs: {ex.Message}");
            }
        }

        return response;
    }
}
