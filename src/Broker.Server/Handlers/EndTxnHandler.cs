using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.Server.Transactions;

namespace Broker.Server.Handlers;

/// <summary>
/// EndTxn v0–3: commits or aborts the producer's transaction (answered once PrepareCommit/PrepareAbort is written; the
/// markers follow). A zombie (older epoch) gets PRODUCER_FENCED, INVALID_PRODUCER_EPOCH for v0–1 clients.
/// </summary>
public sealed class EndTxnHandler(TransactionCoordinator coordinator) : RequestHandler<EndTxnRequest>
{
    public override ApiKey ApiKey => ApiKey.EndTxn;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, EndTxnRequest request)
    {
        // Kafka: Write on the transactional id.
        if (!context.IsAllowed(AclOperation.Write, AclResourceType.TransactionalId, request.TransactionalId))
            return new EndTxnResponse { ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed };
        var error = await coordinator.EndTransactionAsync(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed).ConfigureAwait(false);
        if (error == ErrorCode.ProducerFenced && context.ApiVersion < 2) error = ErrorCode.InvalidProducerEpoch;
        return new EndTxnResponse { ErrorCode = (short)error };
    }
}
