using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Producers;
using Broker.Server.Requests;
using Broker.Server.Transactions;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Handlers;

/// <summary>
/// InitProducerId v0–4. Without a transactional id (null or empty) any broker answers: a fresh producer id with epoch
/// 0, or — v3+ with a producer id and epoch (KIP-360 epoch bump after an unknown sequence) — the same id with epoch + 1,
/// and a fresh id with epoch 0 once the epoch is exhausted (Short.MaxValue - 1, as Kafka). With a transactional id the
/// id's transaction coordinator answers (<see cref="TransactionCoordinator.InitProducerIdAsync"/>); PRODUCER_FENCED is
/// answered as INVALID_PRODUCER_EPOCH to v0–3 clients. When no id block can be claimed (ZooKeeper or disk trouble) the
/// answer is the retriable COORDINATOR_NOT_AVAILABLE. Thread-safe (the allocator and the coordinator are).
/// </summary>
public sealed partial class InitProducerIdHandler(IProducerIdAllocator allocator, TransactionCoordinator transactions, ILogger<InitProducerIdHandler> logger)
    : RequestHandler<InitProducerIdRequest>
{
    /// <summary>An epoch at or above this cannot be bumped; the producer gets a new id instead.</summary>
    public const short MaxBumpableEpoch = short.MaxValue - 1;

    private const short EpochBumpMinVersion = 3;

    public override ApiKey ApiKey => ApiKey.InitProducerId;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, InitProducerIdRequest request)
    {
        // Kafka 3.x (KIP-679): an idempotent producer needs IdempotentWrite on the cluster or Write on some topic.
        if (string.IsNullOrEmpty(request.TransactionalId) && context.Authorizer.Enabled && !context.IsAllowedOnCluster(AclOperation.IdempotentWrite)
            && !context.Authorizer.AuthorizeAny(context.Principal, context.ClientAddress, AclOperation.Write, AclResourceType.Topic))
            return Failure(ErrorCode.ClusterAuthorizationFailed);

        if (!string.IsNullOrEmpty(request.TransactionalId))
        {
            if (!context.IsAllowed(AclOperation.Write, AclResourceType.TransactionalId, request.TransactionalId))
                return Failure(ErrorCode.TransactionalIdAuthorizationFailed);
            try
            {
                var (error, producerId, epoch) = await transactions.InitProducerIdAsync(request.TransactionalId, request.TransactionTimeoutMs,
                    request.ProducerId, request.ProducerEpoch, context.Aborted).ConfigureAwait(false);
                if (error == ErrorCode.ProducerFenced && context.ApiVersion < 4) error = ErrorCode.InvalidProducerEpoch;
                return error == ErrorCode.None ? new InitProducerIdResponse { ProducerId = producerId, ProducerEpoch = epoch } : Failure(error);
            }
            catch (Exception e) when (e is ZooKeeperException or IOException or InvalidDataException or InvalidOperationException or TimeoutException)
            {
                LogAllocationFailed(e);
                return Failure(ErrorCode.CoordinatorNotAvailable);
            }
        }

        if (context.ApiVersion >= EpochBumpMinVersion && request.ProducerId >= 0 && request.ProducerEpoch >= 0
            && request.ProducerEpoch < MaxBumpableEpoch)
        {
            return new InitProducerIdResponse { ProducerId = request.ProducerId, ProducerEpoch = (short)(request.ProducerEpoch + 1) };
        }

        try
        {
            long producerId = await allocator.NextAsync(context.Aborted).ConfigureAwait(false);
            return new InitProducerIdResponse { ProducerId = producerId, ProducerEpoch = 0 };
        }
        catch (Exception e) when (e is ZooKeeperException or IOException or InvalidDataException or InvalidOperationException or TimeoutException)
        {
            LogAllocationFailed(e);
            return Failure(ErrorCode.CoordinatorNotAvailable);
        }
    }

    private static InitProducerIdResponse Failure(ErrorCode error) =>
        new() { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 };

    [LoggerMessage(951, LogLevel.Error, "Could not allocate a producer id")]
    private partial void LogAllocationFailed(Exception exception);
}
