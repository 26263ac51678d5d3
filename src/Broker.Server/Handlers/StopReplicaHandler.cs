using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Handlers;

/// <summary>
/// StopReplica v0–4 (inter-broker, ZooKeeper mode: the controller tells this broker to stop replicas, deleting
/// their logs when they moved away or their topic is deleted), as Kafka's ReplicaManager.stopReplicas:
/// request-level STALE_BROKER_EPOCH / STALE_CONTROLLER_EPOCH through <see cref="ControllerRequestFence"/> (nothing
/// stopped); per partition (v3+) a leader epoch older than the replica's current one is refused with
/// FENCED_LEADER_EPOCH, while -1 (no epoch) and -2 (topic deletion) always pass. A stopped replica's fetcher stops;
/// with delete it is no longer hosted and its log is deleted (also a log on disk that is not hosted, e.g. of a topic
/// deleted while this broker was down); without delete it stays hosted in its role. A log dir failure answers
/// KAFKA_STORAGE_ERROR. Applied one at a time, in arrival order, with the other controller requests.
/// No authentication yet: any client may send it (issue 14 restricts these APIs to brokers).
/// </summary>
public sealed partial class StopReplicaHandler(ControllerRequestFence fence, LeadershipApplier applier, ReplicaManager replicas, ILogger<StopReplicaHandler> logger)
    : RequestHandler<StopReplicaRequest>
{
    /// <summary>Kafka's LeaderAndIsr.EpochDuringDelete: the leader epoch StopReplica carries for a topic being deleted.</summary>
    public const int EpochDuringDelete = -2;

    public override ApiKey ApiKey => ApiKey.StopReplica;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, StopReplicaRequest request)
    {
        if (!context.IsAllowedOnCluster(AclOperation.ClusterAction)) // Kafka: only brokers (ClusterAction on the cluster)
            return ValueTask.FromResult<IKafkaResponse?>(new StopReplicaResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed });
        var entries = Entries(request, context.ApiVersion);
        var (error, errors) = fence.Run(request.ControllerEpoch, request.BrokerEpoch,
            () => (ErrorCode.None, entries.Select(Stop).ToList()),
            e =>
            {
                LogRefused(request.ControllerId, request.ControllerEpoch, request.BrokerEpoch, e.ToString(), fence.ControllerEpoch);
                return (e, entries.Select(_ => e).ToList());
            });
        var response = new StopReplicaResponse { ErrorCode = (short)error };
        for (int i = 0; i < entries.Count; i++)
            response.PartitionErrors.Add(new() { TopicName = entries[i].Id.Topic, PartitionIndex = entries[i].Id.Partition, ErrorCode = (short)errors[i] });
        return ValueTask.FromResult<IKafkaResponse?>(response);
    }

    private ErrorCode Stop(Entry entry)
    {
        if (entry.LeaderEpoch is not (-1 or EpochDuringDelete)
            && replicas.TryGet(entry.Id.Topic, entry.Id.Partition, out var hosted) && entry.LeaderEpoch < hosted.LeaderEpoch)
        {
            LogFenced(entry.Id.Topic, entry.Id.Partition, entry.LeaderEpoch, hosted.LeaderEpoch);
            return ErrorCode.FencedLeaderEpoch;
        }

        try
        {
            if (applier.StopReplica(entry.Id, entry.Delete)) LogStopped(entry.Id.Topic, entry.Id.Partition);
            return ErrorCode.None;
        }
        catch (IOException ex) // KafkaStorageException included
        {
            LogStorageError(entry.Id.Topic, entry.Id.Partition, ex.Message);
            return ErrorCode.KafkaStorageError;
        }
    }

    private static List<Entry> Entries(StopReplicaRequest request, short version) => version switch
    {
        0 => [.. request.UngroupedPartitions.Select(p => new Entry(new TopicPartition(p.TopicName, p.PartitionIndex), -1, request.DeletePartitions))],
        < 3 => [.. request.Topics.SelectMany(t => t.PartitionIndexes.Select(p => new Entry(new TopicPartition(t.Name, p), -1, request.DeletePartitions)))],
        _ => [.. request.TopicStates.SelectMany(t => t.PartitionStates.Select(p => new Entry(new TopicPartition(t.TopicName, p.PartitionIndex), p.LeaderEpoch, p.DeletePartition)))],
    };

    private sealed record Entry(TopicPartition Id, int LeaderEpoch, bool Delete);

    [LoggerMessage(566, LogLevel.Warning, "Refused StopReplica from controller {ControllerId} (controller epoch {ControllerEpoch}, broker epoch {BrokerEpoch}): {Error}; newest controller epoch seen {Newest}")]
    private partial void LogRefused(int controllerId, int controllerEpoch, long brokerEpoch, string error, int newest);

    [LoggerMessage(567, LogLevel.Warning, "Ignoring StopReplica for {Topic}-{Partition}: leader epoch {LeaderEpoch} is older than the current {Current}")]
    private partial void LogFenced(string topic, int partition, int leaderEpoch, int current);

    [LoggerMessage(568, LogLevel.Information, "StopReplica: stopped {Topic}-{Partition} and deleted its log")]
    private partial void LogStopped(string topic, int partition);

    [LoggerMessage(569, LogLevel.Warning, "StopReplica for {Topic}-{Partition} failed: its log dir is offline ({Reason})")]
    private partial void LogStorageError(string topic, int partition, string reason);
}
