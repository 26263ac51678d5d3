using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.ControllerChannel;

/// <summary>
/// Turns a controller batch for one broker into the wire requests, in Kafka's order: LeaderAndIsr, UpdateMetadata,
/// StopReplica (each only when the batch has content for it). Versions are those of Kafka 2.8's ZooKeeper-mode
/// controller: topic ids in LeaderAndIsr and UpdateMetadata, per-partition delete flags and leader epochs in StopReplica.
/// Pure functions.
/// </summary>
internal static class ControllerRequestBuilder
{
    public const short LeaderAndIsrVersion = 5;
    public const short UpdateMetadataVersion = 7;
    public const short StopReplicaVersion = 3;

    /// <summary>Kafka's LeaderAndIsrRequest.Type.</summary>
    public const sbyte TypeIncremental = 1, TypeFull = 2;

    /// <param name="controllerId">This broker (the controller).</param>
    /// <param name="brokerEpoch">The target's broker epoch (czxid of its registration).</param>
    /// <param name="listener">The inter-broker listener name (the address a live leader is reached at).</param>
    public static List<(IKafkaRequest Request, short Version)> Build(BrokerRequestBatch batch, int controllerId, long brokerEpoch, string listener)
    {
        var requests = new List<(IKafkaRequest, short)>(3);
        if (batch.LeaderAndIsr.Count > 0 || batch.FullLeaderAndIsr)
            requests.Add((LeaderAndIsr(batch, controllerId, brokerEpoch, listener), LeaderAndIsrVersion));
        if (batch.UpdateMetadata is not null)
            requests.Add((UpdateMetadata(batch, controllerId, brokerEpoch), UpdateMetadataVersion));
        if (batch.StopReplica.Count > 0)
            requests.Add((StopReplica(batch, controllerId, brokerEpoch), StopReplicaVersion));
        return requests;
    }

    public static LeaderAndIsrRequest LeaderAndIsr(BrokerRequestBatch batch, int controllerId, long brokerEpoch, string listener)
    {
        var leaders = batch.LeaderAndIsr.Select(p => p.Leader).ToHashSet();
        return new LeaderAndIsrRequest
        {
            ControllerId = controllerId,
            ControllerEpoch = batch.ControllerEpoch,
            BrokerEpoch = brokerEpoch,
            Type = batch.FullLeaderAndIsr ? TypeFull : TypeIncremental,
            TopicStates = batch.LeaderAndIsr.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(g => new LeaderAndIsrRequest.LeaderAndIsrTopicState
            {
                TopicName = g.Key,
                TopicId = TopicId(g.First().TopicId),
                PartitionStates = g.Select(p => new LeaderAndIsrRequest.LeaderAndIsrPartitionState
                {
                    TopicName = p.Topic,
                    PartitionIndex = p.Partition,
                    ControllerEpoch = p.ControllerEpoch,
                    Leader = p.Leader,
                    LeaderEpoch = p.LeaderEpoch,
                    Isr = [.. p.Isr],
                    PartitionEpoch = p.ZkVersion,
                    Replicas = [.. p.Replicas],
                    IsNew = p.IsNew,
                }).ToList(),
            }).ToList(),
            LiveLeaders = batch.LiveBrokers.Where(b => leaders.Contains(b.Id)).Select(b => Endpoint(b, listener) is { } e
                ? new LeaderAndIsrRequest.LeaderAndIsrLiveLeader { BrokerId = b.Id, HostName = e.Host, Port = e.Port }
                : null).OfType<LeaderAndIsrRequest.LeaderAndIsrLiveLeader>().ToList(),
        };
    }

    public static UpdateMetadataRequest UpdateMetadata(BrokerRequestBatch batch, int controllerId, long brokerEpoch) => new()
    {
        ControllerId = controllerId,
        ControllerEpoch = batch.ControllerEpoch,
        BrokerEpoch = brokerEpoch,
        TopicStates = (batch.UpdateMetadata ?? []).GroupBy(p => p.Topic, StringComparer.Ordinal).Select(g => new UpdateMetadataRequest.UpdateMetadataTopicState
        {
            TopicName = g.Key,
            TopicId = TopicId(g.First().TopicId),
            PartitionStates = g.Select(p => new UpdateMetadataRequest.UpdateMetadataPartitionState
            {
                TopicName = p.Topic,
                PartitionIndex = p.Partition,
                ControllerEpoch = p.ControllerEpoch,
                Leader = p.Leader,
                LeaderEpoch = p.LeaderEpoch,
                Isr = [.. p.Isr],
                ZkVersion = p.ZkVersion,
                Replicas = [.. p.Replicas],
                OfflineReplicas = [.. p.OfflineReplicas],
            }).ToList(),
        }).ToList(),
        LiveBrokers = batch.LiveBrokers.Select(b => new UpdateMetadataRequest.UpdateMetadataBroker
        {
            Id = b.Id,
            Rack = b.Rack,
            Endpoints = b.Endpoints.Select(e => new UpdateMetadataRequest.UpdateMetadataEndpoint
            {
                Host = e.Host,
                Port = e.Port,
                Listener = e.ListenerName,
                SecurityProtocol = SecurityProtocolId(e.SecurityProtocol),
            }).ToList(),
        }).ToList(),
    };

    public static StopReplicaRequest StopReplica(BrokerRequestBatch batch, int controllerId, long brokerEpoch) => new()
    {
        ControllerId = controllerId,
        ControllerEpoch = batch.ControllerEpoch,
        BrokerEpoch = brokerEpoch,
        TopicStates = batch.StopReplica.GroupBy(s => s.Topic, StringComparer.Ordinal).Select(g => new StopReplicaRequest.StopReplicaTopicState
        {
            TopicName = g.Key,
            PartitionStates = g.Select(s => new StopReplicaRequest.StopReplicaPartitionState
            {
                PartitionIndex = s.Partition,
                LeaderEpoch = s.LeaderEpoch,
                DeletePartition = s.Delete,
            }).ToList(),
        }).ToList(),
    };

    /// <summary>The endpoint of <paramref name="broker"/> on <paramref name="listener"/>, else its first one.</summary>
    public static BrokerEndpoint? Endpoint(LiveBrokerInfo broker, string listener) =>
        broker.Endpoints.FirstOrDefault(e => e.ListenerName == listener) ?? broker.Endpoints.FirstOrDefault();

    private static KafkaUuid TopicId(string? id) => KafkaUuid.TryParse(id, out var parsed) ? parsed : KafkaUuid.Zero;

    /// <summary>Kafka's SecurityProtocol ids.</summary>
    private static short SecurityProtocolId(string name) => name switch
    {
        "SSL" => 1,
        "SASL_PLAINTEXT" => 2,
        "SASL_SSL" => 3,
        _ => 0,
    };
}
