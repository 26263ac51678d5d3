using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Requests;
using Broker.Server.Transactions;
using Broker.Storage;

namespace Broker.Server.Handlers;

/// <summary>
/// AddPartitionsToTxn v0–4. v0–3 (producers): one transaction. v4 (brokers, KIP-890): a batch of transactions, each
/// either added or, with verify_only, only checked (its partitions must already be in the ongoing transaction, else
/// INVALID_TXN_STATE). As Kafka, a request naming an unknown partition adds nothing: those partitions answer
/// UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED. PRODUCER_FENCED is answered as
/// INVALID_PRODUCER_EPOCH to v0–1 clients, which do not know it.
/// </summary>
public sealed class AddPartitionsToTxnHandler(TransactionCoordinator coordinator, IClusterMetadata cluster) : RequestHandler<AddPartitionsToTxnRequest>
{
    public override ApiKey ApiKey => ApiKey.AddPartitionsToTxn;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, AddPartitionsToTxnRequest request)
    {
        var response = new AddPartitionsToTxnResponse();
        if (context.ApiVersion <= 3)
        {
            response.ResultsByTopicV3AndBelow.AddRange(await AddAsync(request.V3AndBelowTransactionalId, request.V3AndBelowProducerId,
                request.V3AndBelowProducerEpoch, request.V3AndBelowTopics, verifyOnly: false, context.ApiVersion, context).ConfigureAwait(false));
            return response;
        }

        foreach (var txn in request.Transactions)
        {
            var result = new AddPartitionsToTxnResponse.AddPartitionsToTxnResult { TransactionalId = txn.TransactionalId };
            result.TopicResults.AddRange(await AddAsync(txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch, txn.Topics, txn.VerifyOnly, context.ApiVersion, context).ConfigureAwait(false));
            response.ResultsByTransaction.Add(result);
        }

        return response;
    }

    private async Task<List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult>> AddAsync(string transactionalId, long producerId, short epoch,
        List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, bool verifyOnly, short version, RequestContext context)
    {
        var partitions = topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p))).ToList();
        // Kafka: Write on the transactional id (else every partition fails), then Write on each topic (the others are
        // not attempted).
        bool idAllowed = context.IsAllowed(AclOperation.Write, AclResourceType.TransactionalId, transactionalId);
        var unwritable = topics.Select(t => t.Name).Where(t => !context.IsAllowed(AclOperation.Write, AclResourceType.Topic, t)).ToHashSet();
        var unknown = partitions.Where(p => !cluster.TryGetTopic(p.Topic, out var info) || p.Partition < 0 || p.Partition >= info.Partitions.Count).ToHashSet();
        ErrorCode error;
        if (!idAllowed) error = ErrorCode.TransactionalIdAuthorizationFailed;
        else if (unwritable.Count > 0) error = ErrorCode.OperationNotAttempted;
        else if (unknown.Count > 0) error = ErrorCode.OperationNotAttempted;
        else if (verifyOnly) error = coordinator.VerifyPartitions(transactionalId, producerId, epoch, partitions);
        else error = await coordinator.AddPartitionsAsync(transactionalId, producerId, epoch, partitions).ConfigureAwait(false);
        if (error == ErrorCode.ProducerFenced && version < 2) error = ErrorCode.InvalidProducerEpoch;
        return topics.Select(t =>
        {
            var result = new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult { Name = t.Name };
            foreach (int p in t.Partitions)
            {
                var e = !idAllowed ? error
                    : unwritable.Contains(t.Name) ? ErrorCode.TopicAuthorizationFailed
                    : unknown.Contains(new TopicPartition(t.Name, p)) ? ErrorCode.UnknownTopicOrPartition : error;
                result.ResultsByPartition.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = p, PartitionErrorCode = (short)e });
            }

            return result;
        }).ToList();
    }
}
