using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Security.Authorization;

namespace Broker.Server.Handlers;

/// <summary>
/// CreateAcls v0–3, as Kafka's AclAuthorizer: needs Alter on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every
/// creation); without an authorizer SECURITY_DISABLED. Each creation is validated (a literal or prefixed pattern of a
/// concrete type, a non-empty name, "kafka-cluster" for the cluster, a Type:name principal, a concrete operation and
/// permission; else INVALID_REQUEST with the reason), then the valid ones are written to ZooKeeper.
/// </summary>
public sealed class CreateAclsHandler(IAclAdmin acls) : RequestHandler<CreateAclsRequest>
{
    public override ApiKey ApiKey => ApiKey.CreateAcls;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, CreateAclsRequest request)
    {
        var response = new CreateAclsResponse();
        var results = request.Creations.Select(_ => new CreateAclsResponse.AclCreationResult()).ToList();
        response.Results.AddRange(results);
        var error = !acls.Enabled ? ErrorCode.SecurityDisabled
            : !context.IsAllowedOnCluster(AclOperation.Alter) ? ErrorCode.ClusterAuthorizationFailed
            : ErrorCode.None;
        if (error != ErrorCode.None)
        {
            foreach (var r in results) (r.ErrorCode, r.ErrorMessage) = ((short)error, AclApiErrors.Message(error));
            return response;
        }

        var valid = new List<(CreateAclsResponse.AclCreationResult Result, AclBinding Binding)>();
        for (int i = 0; i < request.Creations.Count; i++)
        {
            var c = request.Creations[i];
            var binding = new AclBinding(
                new ResourcePattern((AclResourceType)c.ResourceType, c.ResourceName, (AclPatternType)c.ResourcePatternType),
                new AclEntry(c.Principal, c.Host, (AclOperation)c.Operation, (AclPermission)c.PermissionType));
            if (AclApiErrors.Invalid(binding) is { } why)
                (results[i].ErrorCode, results[i].ErrorMessage) = ((short)ErrorCode.InvalidRequest, why);
            else valid.Add((results[i], binding));
        }

        try
        {
            await acls.CreateAsync(valid.Select(v => v.Binding).ToList(), context.Aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var (r, _) in valid) (r.ErrorCode, r.ErrorMessage) = ((short)ErrorCode.UnknownServerError, $"Failed to update ACLs: {ex.Message}");
        }

        return response;
    }
}
