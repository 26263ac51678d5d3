using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Handlers;

/// <summary>
/// LeaderAndIsr v0–7 (inter-broker, ZooKeeper mode: the controller tells this broker the leader, leader epoch, ISR
/// and replicas of partitions it hosts), as Kafka's ReplicaManager.becomeLeaderOrFollower:
/// <list type="bullet">
/// <item>Request level (<see cref="ControllerRequestFence"/>): STALE_BROKER_EPOCH or STALE_CONTROLLER_EPOCH, every
/// partition answered with the same error, nothing applied.</item>
/// <item>Per partition: a state whose replicas do not include this broker is ignored (UNKNOWN_TOPIC_OR_PARTITION);
/// a leader epoch older than the replica's current one, or equal to it, is ignored with STALE_CONTROLLER_EPOCH
/// (Kafka's exact answer: its StopReplica answers FENCED_LEADER_EPOCH, LeaderAndIsr does not). Exception (ours):
/// the same leader epoch with a newer partition epoch is applied, because our controller keeps the leader epoch when
/// it only shrinks an ISR; a hosted replica of another topic id (a deleted incarnation of the name) counts as having
/// no epoch, and is replaced. Everything else is applied through <see cref="LeadershipApplier"/> (host, leader or
/// follower, fetchers); a replica in an offline log dir (checked first, before the epochs) or a log dir failure while
/// applying answers KAFKA_STORAGE_ERROR for that partition: the controller then moves it away.</item>
/// </list>
/// Requests are applied one at a time, in arrival order. LeaderAndIsr does not change the metadata cache (the
/// controller sends UpdateMetadata for that). The request type (full/incremental, v5) is not used.
/// No authentication yet: any client may send it (issue 14 restricts these APIs to brokers).
/// </summary>
public sealed partial class LeaderAndIsrHandler(
    ControllerRequestFence fence, LeadershipApplier applier, ReplicaManager replicas, MetadataCache cache, ILogger<LeaderAndIsrHandler> logger)
    : RequestHandler<LeaderAndIsrRequest>
{
    public override ApiKey ApiKey => ApiKey.LeaderAndIsr;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, LeaderAndIsrRequest request)
    {
        short version = context.ApiVersion;
        if (!context.IsAllowedOnCluster(AclOperation.ClusterAction)) // Kafka: only brokers (ClusterAction on the cluster)
            return new LeaderAndIsrResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed };
        var states = version < 2
            ? request.UngroupedPartitionStates.Select(s => new Entry(s.TopicName, KafkaUuid.Zero, s)).ToList()
            : request.TopicStates.SelectMany(t => t.PartitionStates.Select(s => new Entry(t.TopicName, t.TopicId, s))).ToList();
        // A new topic's replicas are created with its config overrides (outside the fence: a ZooKeeper read).
        await cache.LoadMissingConfigsAsync(states.Select(e => (e.Topic, e.TopicId)), context.Aborted).ConfigureAwait(false);
        var skipped = new List<string>();
        var (requestError, errors) = fence.Run(request.ControllerEpoch, request.BrokerEpoch,
            () => (ErrorCode.None, states.Select(e => Apply(request, e, skipped)).ToList()),
            error =>
            {
                LogRefused(request.ControllerId, request.ControllerEpoch, request.BrokerEpoch, error.ToString(), fence.ControllerEpoch);
                return (error, states.Select(_ => error).ToList());
            });
        if (skipped.Count > 0) LogStaleLeaderEpochs(request.ControllerId, skipped.Count, string.Join(",", skipped.Take(5)));
        return Respond(version, states, errors, requestError);
    }

    /// <param name="skipped">Collects the partitions ignored as not newer (logged once per request).</param>
    private ErrorCode Apply(LeaderAndIsrRequest request, Entry entry, List<string> skipped)
    {
        var s = entry.State;
        int self = replicas.LocalBrokerId;
        if (!s.Replicas.Contains(self))
        {
            LogNotAReplica(entry.Topic, s.PartitionIndex, string.Join(",", s.Replicas));
            return ErrorCode.UnknownTopicOrPartition;
        }

        if (replicas.IsInOfflineDir(entry.Topic, s.PartitionIndex))
        {
            // Before the epoch check, as Kafka: the controller asks again with the same epoch after a log dir event.
            LogStorageError(entry.Topic, s.PartitionIndex, "the replica is in an offline log dir");
            return ErrorCode.KafkaStorageError;
        }

        bool hosted = replicas.TryGet(entry.Topic, s.PartitionIndex, out var current);
        bool sameTopic = hosted && (entry.TopicId.Equals(KafkaUuid.Zero) || current.TopicId.Equals(entry.TopicId));
        int currentEpoch = sameTopic ? current.LeaderEpoch : -1;
        bool newer = s.LeaderEpoch > currentEpoch || (sameTopic && s.LeaderEpoch == currentEpoch && s.PartitionEpoch > current.StateVersion);
        if (!newer)
        {
            // Routine after a failover (the new controller resends every state): debug per partition, one summary line.
            LogStaleLeaderEpoch(entry.Topic, s.PartitionIndex, s.LeaderEpoch, s.PartitionEpoch, currentEpoch, request.ControllerId);
            skipped.Add($"{entry.Topic}-{s.PartitionIndex}");
            return ErrorCode.StaleControllerEpoch;
        }

        var info = new PartitionInfo(s.PartitionIndex, s.Leader, s.LeaderEpoch, [.. s.Replicas], [.. s.Isr])
        {
            StateVersion = s.PartitionEpoch,
            ControllerEpoch = s.ControllerEpoch,
        };
        try
        {
            applier.Apply(entry.Topic, entry.TopicId, info, cache.TopicConfig(entry.Topic));
            return ErrorCode.None;
        }
        catch (KafkaStorageException ex)
        {
            LogStorageError(entry.Topic, s.PartitionIndex, ex.Message);
            return ErrorCode.KafkaStorageError;
        }
    }

    private static LeaderAndIsrResponse Respond(short version, List<Entry> states, List<ErrorCode> errors, ErrorCode requestError)
    {
        var response = new LeaderAndIsrResponse { ErrorCode = (short)requestError };
        if (version < 5)
        {
            for (int i = 0; i < states.Count; i++)
                response.PartitionErrors.Add(new() { TopicName = states[i].Topic, PartitionIndex = states[i].State.PartitionIndex, ErrorCode = (short)errors[i] });
            return response;
        }

        foreach (var topic in states.Select((e, i) => (e, i)).GroupBy(x => x.e.TopicId))
        {
            response.Topics.Add(new()
            {
                TopicId = topic.Key,
                PartitionErrors = [.. topic.Select(x => new LeaderAndIsrResponse.LeaderAndIsrPartitionError { PartitionIndex = x.e.State.PartitionIndex, ErrorCode = (short)errors[x.i] })],
            });
        }

        return response;
    }

    private sealed record Entry(string Topic, KafkaUuid TopicId, LeaderAndIsrRequest.LeaderAndIsrPartitionState State);

    [LoggerMessage(560, LogLevel.Warning, "Refused LeaderAndIsr from controller {ControllerId} (controller epoch {ControllerEpoch}, broker epoch {BrokerEpoch}): {Error}; newest controller epoch seen {Newest}")]
    private partial void LogRefused(int controllerId, int controllerEpoch, long brokerEpoch, string error, int newest);

    [LoggerMessage(561, LogLevel.Warning, "Ignoring LeaderAndIsr for {Topic}-{Partition}: this broker is not among its replicas [{Replicas}]")]
    private partial void LogNotAReplica(string topic, int partition, string replicas);

    [LoggerMessage(562, LogLevel.Debug, "Ignoring LeaderAndIsr for {Topic}-{Partition} from controller {ControllerId}: leader epoch {LeaderEpoch} (partition epoch {PartitionEpoch}) is not newer than the current leader epoch {Current}")]
    private partial void LogStaleLeaderEpoch(string topic, int partition, int leaderEpoch, int partitionEpoch, int current, int controllerId);

    [LoggerMessage(570, LogLevel.Information, "LeaderAndIsr from controller {ControllerId}: ignored {Count} partition(s) whose leader epoch is not newer than the local one (e.g. {Sample})")]
    private partial void LogStaleLeaderEpochs(int controllerId, int count, string sample);

    [LoggerMessage(563, LogLevel.Warning, "LeaderAndIsr for {Topic}-{Partition} failed: its log dir is offline ({Reason})")]
    private partial void LogStorageError(string topic, int partition, string reason);
}
