using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Groups;
using Broker.Server.Requests;
using Broker.Server.Transactions;

namespace Broker.Server.Handlers;

/// <summary>
/// TxnOffsetCommit v0–3 (served by the group's coordinator): the offsets are stored as the producer's transactional
/// records and stay pending until the transaction's marker reaches the group's partition. A producer this broker
/// also coordinates and knows to be fenced gets PRODUCER_FENCED (INVALID_PRODUCER_EPOCH for v0–1).
/// </summary>
public sealed class TxnOffsetCommitHandler(GroupCoordinator groups, TransactionCoordinator transactions) : RequestHandler<TxnOffsetCommitRequest>
{
    public override ApiKey ApiKey => ApiKey.TxnOffsetCommit;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, TxnOffsetCommitRequest request)
    {
        var entries = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(t.Name, p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)))
            .ToList();
        IReadOnlyList<ErrorCode> errors;
        // Kafka: Write on the transactional id and Read on the group, else every partition fails; Read on each topic.
        var denied = !context.IsAllowed(AclOperation.Write, AclResourceType.TransactionalId, request.TransactionalId) ? ErrorCode.TransactionalIdAuthorizationFailed
            : !context.IsAllowed(AclOperation.Read, AclResourceType.Group, request.GroupId) ? ErrorCode.GroupAuthorizationFailed
            : ErrorCode.None;
        var unreadable = entries.Select(e => e.Topic).Distinct().Where(t => !context.IsAllowed(AclOperation.Read, AclResourceType.Topic, t)).ToHashSet();
        var fenced = ErrorCode.None;
        if (denied != ErrorCode.None)
        {
            errors = entries.Select(_ => denied).ToList();
        }
        else if (unreadable.Count > 0)
        {
            errors = entries.Select(e => unreadable.Contains(e.Topic) ? ErrorCode.TopicAuthorizationFailed : ErrorCode.OperationNotAttempted).ToList();
        }
        else if ((fenced = transactions.CheckTxnOffsetCommit(request.TransactionalId, request.ProducerId, request.ProducerEpoch)) != ErrorCode.None)
        {
            errors = entries.Select(_ => fenced).ToList();
        }
        else
        {
            errors = await groups.TxnCommitOffsetsAsync(request.GroupId, request.ProducerId, request.ProducerEpoch, request.GenerationId,
                request.MemberId, request.GroupInstanceId, entries).WaitAsync(context.ConnectionClosed).ConfigureAwait(false);
        }

        var response = new TxnOffsetCommitResponse();
        int i = 0;
        foreach (var topic in request.Topics)
        {
            var result = new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = topic.Name };
            foreach (var p in topic.Partitions)
            {
                var error = errors[i++];
                if (error == ErrorCode.ProducerFenced && context.ApiVersion < 2) error = ErrorCode.InvalidProducerEpoch;
                result.Partitions.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error });
            }

            response.Topics.Add(result);
        }

        return response;
    }
}
