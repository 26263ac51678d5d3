using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// FindCoordinator v0–4: key type 0 (group) answers the leader of the group's <c>__consumer_offsets</c> partition,
/// creating the topic on first use; key type 1 (transaction) the leader of the id's <c>__transaction_state</c>
/// partition, likewise. v4 answers one entry per requested key.
/// </summary>
public sealed class FindCoordinatorHandler(GroupCoordinator coordinator, Transactions.TransactionCoordinator transactions) : RequestHandler<FindCoordinatorRequest>
{
    private const sbyte GroupKeyType = 0;
    private const sbyte TransactionKeyType = 1;

    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse();
        if (context.ApiVersion >= 4)
        {
            foreach (string key in request.CoordinatorKeys)
            {
                var (error, message, node) = Denied(context, key, request.KeyType) ?? await FindAsync(key, request.KeyType, context.Listener.Name);
                response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
                {
                    Key = key, ErrorCode = (short)error, ErrorMessage = message,
                    NodeId = node?.Id ?? -1, Host = node?.Host ?? "", Port = node?.Port ?? -1,
                });
            }
        }
        else
        {
            var (error, message, node) = Denied(context, request.Key, request.KeyType) ?? await FindAsync(request.Key, request.KeyType, context.Listener.Name);
            response.ErrorCode = (short)error;
            response.ErrorMessage = message;
            response.NodeId = node?.Id ?? -1;
            response.Host = node?.Host ?? "";
            response.Port = node?.Port ?? -1;
        }

        return response;
    }

    /// <summary>Kafka: Describe on the group (or transactional id) named by the key; null when allowed.</summary>
    private static (ErrorCode Error, string? Message, Cluster.BrokerNode? Node)? Denied(RequestContext context, string key, sbyte keyType) => keyType switch
    {
        GroupKeyType when !context.IsAllowed(AclOperation.Describe, AclResourceType.Group, key) =>
            (ErrorCode.GroupAuthorizationFailed, ErrorCode.GroupAuthorizationFailed.Message(), null),
        TransactionKeyType when !context.IsAllowed(AclOperation.Describe, AclResourceType.TransactionalId, key) =>
            (ErrorCode.TransactionalIdAuthorizationFailed, ErrorCode.TransactionalIdAuthorizationFailed.Message(), null),
        _ => null,
    };

    private async Task<(ErrorCode Error, string? Message, Cluster.BrokerNode? Node)> FindAsync(string key, sbyte keyType, string listener)
    {
        switch (keyType)
        {
            case GroupKeyType or TransactionKeyType:
                var (error, node) = keyType == GroupKeyType
                    ? await coordinator.FindCoordinatorAsync(key)
                    : await transactions.FindCoordinatorAsync(key);
                // The coordinator's address on the listener the client used, as Metadata answers.
                if (error == ErrorCode.None && node?.On(listener) is null)
                    return (ErrorCode.CoordinatorNotAvailable, $"The coordinator has no {listener} listener", null);
                return (error, error == ErrorCode.None ? null : error.Message(), node?.On(listener));
            default:
                return (ErrorCode.InvalidRequest, $"Unknown coordinator type {keyType} in FindCoordinator request", null);
        }
    }
}
