using Broker.Coordination.Acls;
using Broker.Coordination.Scram;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Security;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeUserScramCredentials v0 (KIP-554), as Kafka's ZooKeeper-mode admin manager: null or no users = every user
/// with a credential; a user named twice: DUPLICATE_RESOURCE; a named user without credentials: RESOURCE_NOT_FOUND.
/// Answers mechanisms and iterations only, never salts or keys.
/// </summary>
public sealed class DescribeUserScramCredentialsHandler(IScramCredentialStore store) : RequestHandler<DescribeUserScramCredentialsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeUserScramCredentials;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DescribeUserScramCredentialsRequest request)
    {
        if (!context.IsAllowedOnCluster(AclOperation.Describe)) // Kafka: Describe on the cluster
            return new DescribeUserScramCredentialsResponse
            {
                ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed, ErrorMessage = ErrorCode.ClusterAuthorizationFailed.Message(),
            };
        var all = await store.DescribeAsync(context.Aborted).ConfigureAwait(false);
        var response = new DescribeUserScramCredentialsResponse();
        bool describeAll = request.Users is null || request.Users.Count == 0;
        var names = describeAll ? all.Keys.Order(StringComparer.Ordinal).ToList() : request.Users!.Select(u => u.Name).ToList();
        var duplicates = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var name in names.Distinct())
        {
            var result = new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult { User = name };
            if (duplicates.Contains(name))
            {
                result.ErrorCode = (short)ErrorCode.DuplicateResource;
                result.ErrorMessage = $"Cannot describe SCRAM credentials for the same user twice in a single request: {name}";
            }
            else if (!all.TryGetValue(name, out var credentials))
            {
                result.ErrorCode = (short)ErrorCode.ResourceNotFound;
                result.ErrorMessage = $"Attempt to describe a user credential that does not exist: {name}";
            }
            else
            {
                foreach (var (mechanism, iterations) in credentials)
                    result.CredentialInfos.Add(new() { Mechanism = mechanism.Id, Iterations = iterations });
            }

            response.Results.Add(result);
        }

        return response;
    }
}
