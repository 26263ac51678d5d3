using Broker.Coordination.Acls;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Handlers;

/// <summary>
/// UpdateMetadata v0–8 (inter-broker, ZooKeeper mode: the controller sends every broker the live brokers and the
/// partition states its metadata cache answers from), as Kafka's ZooKeeper-era MetadataCache: request-level
/// STALE_BROKER_EPOCH / STALE_CONTROLLER_EPOCH through <see cref="ControllerRequestFence"/> (nothing applied), else
/// the live broker list and controller are replaced and each partition state replaces that partition's in
/// <see cref="MetadataCache"/>; leader -2 (LeaderDuringDelete) removes the partition, so clients stop seeing a topic
/// being deleted. Each broker is known by its endpoint on <c>inter.broker.listener.name</c> (else its first one), as
/// the ZooKeeper read does. Applied one at a time, in arrival order, with the other controller requests.
/// No authentication yet: any client may send it (issue 14 restricts these APIs to brokers).
/// </summary>
public sealed partial class UpdateMetadataHandler(ControllerRequestFence fence, MetadataCache cache, BrokerConfig config, ILogger<UpdateMetadataHandler> logger)
    : RequestHandler<UpdateMetadataRequest>
{
    public override ApiKey ApiKey => ApiKey.UpdateMetadata;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, UpdateMetadataRequest request)
    {
        if (!context.IsAllowedOnCluster(AclOperation.ClusterAction)) // Kafka: only brokers (ClusterAction on the cluster)
            return new UpdateMetadataResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed };
        var update = ToUpdate(request, context.ApiVersion, config.InterBrokerListenerName);
        // A topic appears with its config overrides (DescribeConfigs, hosting): read them first, outside the fence.
        await cache.LoadMissingConfigsAsync(update.Partitions.Where(p => p.Info.Leader != MetadataUpdate.LeaderDuringDelete).Select(p => (p.Topic, p.TopicId)),
            context.Aborted).ConfigureAwait(false);
        var error = fence.Run(request.ControllerEpoch, request.BrokerEpoch,
            () =>
            {
                var removed = cache.ApplyUpdateMetadata(update);
                if (removed.Count > 0) LogPartitionsRemoved(removed.Count, string.Join(",", removed.Select(r => r.Topic).Distinct()));
                return ErrorCode.None;
            },
            e =>
            {
                LogRefused(request.ControllerId, request.ControllerEpoch, request.BrokerEpoch, e.ToString(), fence.ControllerEpoch);
                return e;
            });
        return new UpdateMetadataResponse { ErrorCode = (short)error };
    }

    /// <summary>The request's content, whatever its version.</summary>
    public static MetadataUpdate ToUpdate(UpdateMetadataRequest request, short version, string interBrokerListener)
    {
        var brokers = new List<BrokerNode>();
        foreach (var b in request.LiveBrokers)
        {
            if (version == 0)
            {
                brokers.Add(new BrokerNode(b.Id, b.V0Host, b.V0Port, b.Rack));
                continue;
            }

            var endpoint = b.Endpoints.FirstOrDefault(e => e.Listener == interBrokerListener) ?? b.Endpoints.FirstOrDefault();
            if (endpoint is null) continue;
            var all = b.Endpoints.Select(e => new BrokerEndpoint(e.Listener, e.Host, e.Port, SecurityProtocolName(e.SecurityProtocol))).ToList();
            brokers.Add(new BrokerNode(b.Id, endpoint.Host, endpoint.Port, b.Rack) { Endpoints = all });
        }

        var live = brokers.Select(b => b.Id).ToHashSet();
        var states = version < 5
            ? request.UngroupedPartitionStates.Select(s => ToState(s.TopicName, KafkaUuid.Zero, s, live))
            : request.TopicStates.SelectMany(t => t.PartitionStates.Select(s => ToState(t.TopicName, t.TopicId, s, live)));
        return new MetadataUpdate(request.ControllerId, brokers, [.. states]);
    }

    /// <summary>The protocol name of a wire security protocol id (Kafka's SecurityProtocol ids 0–3).</summary>
    private static string SecurityProtocolName(short id) => id switch
    {
        1 => "SSL",
        2 => "SASL_PLAINTEXT",
        3 => "SASL_SSL",
        _ => "PLAINTEXT",
    };

    private static MetadataUpdate.PartitionState ToState(string topic, KafkaUuid id, UpdateMetadataRequest.UpdateMetadataPartitionState s, HashSet<int> live) =>
        new(topic, id, new PartitionInfo(s.PartitionIndex, s.Leader, s.LeaderEpoch, [.. s.Replicas], [.. s.Isr])
        {
            // v0-v3 carry no offline replicas: derive them from the live brokers, as the ZooKeeper read does.
            OfflineReplicas = s.OfflineReplicas.Count > 0 ? [.. s.OfflineReplicas] : [.. s.Replicas.Where(r => !live.Contains(r))],
            StateVersion = s.ZkVersion,
            ControllerEpoch = s.ControllerEpoch,
        });

    [LoggerMessage(564, LogLevel.Warning, "Refused UpdateMetadata from controller {ControllerId} (controller epoch {ControllerEpoch}, broker epoch {BrokerEpoch}): {Error}; newest controller epoch seen {Newest}")]
    private partial void LogRefused(int controllerId, int controllerEpoch, long brokerEpoch, string error, int newest);

    [LoggerMessage(565, LogLevel.Information, "UpdateMetadata removed {Count} partitions being deleted (topics {Topics})")]
    private partial void LogPartitionsRemoved(int count, string topics);
}
