using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;
using Broker.Server.Transactions;
using Broker.Storage;

namespace Broker.Server.Handlers;

/// <summary>
/// AddOffsetsToTxn v0–3: adds the group's <c>__consumer_offsets</c> partition to the transaction (creating the topic
/// first if needed, so the commit marker has somewhere to go), so the transaction's TxnOffsetCommit offsets become
/// visible with its commit. PRODUCER_FENCED is answered as INVALID_PRODUCER_EPOCH to v0–1 clients.
/// </summary>
public sealed class AddOffsetsToTxnHandler(TransactionCoordinator coordinator, GroupCoordinator groups) : RequestHandler<AddOffsetsToTxnRequest>
{
    public override ApiKey ApiKey => ApiKey.AddOffsetsToTxn;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, AddOffsetsToTxnRequest request)
    {
        // Kafka: Write on the transactional id, then Read on the group.
        if (!context.IsAllowed(AclOperation.Write, AclResourceType.TransactionalId, request.TransactionalId))
            return new AddOffsetsToTxnResponse { ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed };
        if (!context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId))
            return new AddOffsetsToTxnResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        var (found, _) = await groups.FindCoordinatorAsync(request.GroupId).ConfigureAwait(false);
        if (found != ErrorCode.None) return new AddOffsetsToTxnResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var partition = new TopicPartition(LocalOffsetsTopic.TopicName, groups.PartitionFor(request.GroupId));
        var error = await coordinator.AddPartitionsAsync(request.TransactionalId, request.ProducerId, request.ProducerEpoch, [partition]).ConfigureAwait(false);
        if (error == ErrorCode.ProducerFenced && context.ApiVersion < 2) error = ErrorCode.InvalidProducerEpoch;
        return new AddOffsetsToTxnResponse { ErrorCode = (short)error };
    }
}
