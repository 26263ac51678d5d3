using Broker.Coordination.Acls;
using Broker.Coordination.Scram;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Security;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Handlers;

/// <summary>
/// AlterUserScramCredentials v0 (KIP-554), as Kafka's ZooKeeper-mode admin manager: the client sends salt and salted
/// password (never the password); the broker derives stored and server keys and writes <c>/config/users/&lt;u&gt;</c>
/// with a change notification, all of a user's changes in one write. Per user: an empty name or iterations outside
/// 4096–16384 → UNACCEPTABLE_CREDENTIAL, an unknown mechanism → UNSUPPORTED_SASL_MECHANISM, a (user, mechanism)
/// altered twice → DUPLICATE_RESOURCE, deleting a credential that does not exist → RESOURCE_NOT_FOUND; a user with
/// any error is not changed at all.
/// </summary>
public sealed class AlterUserScramCredentialsHandler(IScramCredentialStore store) : RequestHandler<AlterUserScramCredentialsRequest>
{
    public override ApiKey ApiKey => ApiKey.AlterUserScramCredentials;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, AlterUserScramCredentialsRequest request)
    {
        var ops = request.Deletions.Select(d => (User: d.Name, d.Mechanism, Upsert: (AlterUserScramCredentialsRequest.ScramCredentialUpsertion?)null))
            .Concat(request.Upsertions.Select(u => (User: u.Name, u.Mechanism, Upsert: (AlterUserScramCredentialsRequest.ScramCredentialUpsertion?)u)))
            .ToList();
        var response = new AlterUserScramCredentialsResponse();
        var existing = await store.DescribeAsync(context.Aborted).ConfigureAwait(false);
        foreach (var group in ops.GroupBy(o => o.User))
        {
            var result = new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult { User = group.Key };
            response.Results.Add(result);
            var (error, message) = !context.IsAllowedOnCluster(AclOperation.Alter) // Kafka: Alter on the cluster
                ? (ErrorCode.ClusterAuthorizationFailed, ErrorCode.ClusterAuthorizationFailed.Message())
                : Validate(group.Key, group.ToList(), existing);
            if (error == ErrorCode.None && !store.IsAvailable)
                (error, message) = (ErrorCode.UnsupportedVersion, "SCRAM credentials need ZooKeeper (zookeeper.connect)");
            if (error != ErrorCode.None)
            {
                result.ErrorCode = (short)error;
                result.ErrorMessage = message;
                continue;
            }

            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var op in group)
            {
                var mechanism = ScramMechanism.FromId(op.Mechanism)!;
                changes[mechanism.Name] = op.Upsert is { } u
                    ? ScramCredential.FromSaltedPassword(mechanism, u.SaltedPassword.Span, u.Salt.ToArray(), u.Iterations).Format()
                    : null;
            }

            await store.AlterAsync(group.Key, changes, context.Aborted).ConfigureAwait(false);
        }

        return response;
    }

    private static (ErrorCode, string?) Validate(string user, List<(string User, sbyte Mechanism, AlterUserScramCredentialsRequest.ScramCredentialUpsertion? Upsert)> ops,
        IReadOnlyDictionary<string, IReadOnlyList<(ScramMechanism Mechanism, int Iterations)>> existing)
    {
        if (user.Length == 0) return (ErrorCode.UnacceptableCredential, "Username must not be empty");
        if (ops.GroupBy(o => o.Mechanism).Any(g => g.Count() > 1))
            return (ErrorCode.DuplicateResource, "A user credential cannot be altered twice in the same request");
        foreach (var op in ops)
        {
            var mechanism = ScramMechanism.FromId(op.Mechanism);
            if (mechanism is null) return (ErrorCode.UnsupportedSaslMechanism, "Unknown SCRAM mechanism");
            if (op.Upsert is { } u)
            {
                if (u.Iterations < ScramMechanism.MinIterations)
                    return (ErrorCode.UnacceptableCredential, $"Too few iterations: {u.Iterations} (at least {ScramMechanism.MinIterations})");
                if (u.Iterations > ScramMechanism.MaxIterations)
                    return (ErrorCode.UnacceptableCredential, $"Too many iterations: {u.Iterations} (at most {ScramMechanism.MaxIterations})");
                if (u.Salt.IsEmpty || u.SaltedPassword.IsEmpty)
                    return (ErrorCode.UnacceptableCredential, "Salt and salted password must not be empty");
            }
            else if (!(existing.TryGetValue(user, out var current) && current.Any(c => c.Mechanism == mechanism)))
            {
                return (ErrorCode.ResourceNotFound, "Attempt to delete a user credential that does not exist");
            }
        }

        return (ErrorCode.None, null);
    }
}
