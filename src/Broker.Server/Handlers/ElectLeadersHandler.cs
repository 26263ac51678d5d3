using Broker.Coordination.Acls;
using Broker.Coordination.Controller;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Replication;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// ElectLeaders v0–2 (KIP-183, KIP-460; ZooKeeper mode only): the active controller elects the preferred (type 0,
/// v0's only type) or an unclean (type 1) leader for the named partitions, or for every partition when the list is
/// null, and answers per partition (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
/// UNKNOWN_TOPIC_OR_PARTITION), as Kafka's controller does for the request clients send it. Decision: the request is
/// handled by the controller directly (not through Kafka's older <c>/admin/preferred_replica_election</c> znode,
/// which carries no result per partition). A broker that is not the controller forwards the request once to the
/// controller it knows (librdkafka sends it to the controller its metadata named, which after a failover may be
/// stale, and does not retry a per-partition NOT_CONTROLLER); without a reachable controller every partition is
/// NOT_CONTROLLER. Past timeout_ms, REQUEST_TIMED_OUT (the election may still complete).
/// </summary>
public sealed class ElectLeadersHandler(KafkaController controller, IClusterMetadata metadata, Configuration.BrokerConfig config) : RequestHandler<ElectLeadersRequest>
{
    /// <summary>Client id of a forwarded request: its receiver does not forward it again.</summary>
    private const string ForwardedClientId = "broker-elect-leaders-forward";

    public override ApiKey ApiKey => ApiKey.ElectLeaders;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ElectLeadersRequest request)
    {
        bool unclean = context.ApiVersion >= 1 && request.ElectionType == 1;
        var asked = request.TopicPartitions?.SelectMany(t => t.PartitionId.Distinct().Select(p => (t.Topic, p))).Distinct().ToList();
        var response = new ElectLeadersResponse();
        if (context.ApiVersion >= 1 && request.ElectionType is not (0 or 1))
        {
            response.ErrorCode = (short)ErrorCode.InvalidRequest;
            return response;
        }

        IReadOnlyList<ElectionOutcome> outcomes;
        if (!context.IsAllowedOnCluster(AclOperation.Alter)) // Kafka: Alter on the cluster
        {
            response.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
            outcomes = Fail(asked, ErrorCode.ClusterAuthorizationFailed, ErrorCode.ClusterAuthorizationFailed.Message());
        }
        else
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Aborted);
            timeout.CancelAfter(Math.Max(1, request.TimeoutMs));
            outcomes = await controller.ElectLeadersAsync(unclean, asked, timeout.Token).ConfigureAwait(false);
        }
        catch (NotControllerException)
        {
            if (context.ClientId != ForwardedClientId && await ForwardAsync(context, request).ConfigureAwait(false) is { } forwarded) return forwarded;
            if (asked is null) response.ErrorCode = (short)ErrorCode.NotController;
            outcomes = Fail(asked, ErrorCode.NotController, "This is not the correct controller for this cluster.");
        }
        catch (OperationCanceledException) when (!context.Aborted.IsCancellationRequested)
        {
            outcomes = Fail(asked, ErrorCode.RequestTimedOut, "The request timed out.");
        }

        foreach (var topic in outcomes.GroupBy(o => o.Topic))
        {
            response.ReplicaElectionResults.Add(new ElectLeadersResponse.ReplicaElectionResult
            {
                Topic = topic.Key,
                PartitionResult = topic.Select(o => new ElectLeadersResponse.ElectionPartitionResult
                {
                    PartitionId = o.Partition, ErrorCode = o.ErrorCode, ErrorMessage = o.Message,
                }).ToList(),
            });
        }

        return response;
    }

    /// <summary>Sends the request to the active controller as this broker knows it; null when there is none or it fails.</summary>
    private async Task<ElectLeadersResponse?> ForwardAsync(RequestContext context, ElectLeadersRequest request)
    {
        int controllerId = metadata.ControllerId;
        if (controllerId < 0 || controllerId == metadata.LocalBrokerId) return null;
        if (metadata.Brokers.FirstOrDefault(b => b.Id == controllerId) is not { } node) return null;
        var timeout = TimeSpan.FromMilliseconds(Math.Max(1000, request.TimeoutMs));
        try
        {
            await using var client = await BrokerClient.ConnectToBrokerAsync(config, node.Id, node.Host, node.Port, ForwardedClientId, timeout, context.Aborted).ConfigureAwait(false);
            return await client.SendAsync<ElectLeadersResponse>(request, context.ApiVersion, timeout, context.Aborted).ConfigureAwait(false);
        }
        catch (Exception) when (!context.Aborted.IsCancellationRequested)
        {
            return null;
        }
    }

    private static List<ElectionOutcome> Fail(IReadOnlyList<(string Topic, int Partition)>? asked, ErrorCode error, string message) =>
        (asked ?? []).Select(tp => new ElectionOutcome(tp.Topic, tp.Partition, (short)error, message)).ToList();
}
