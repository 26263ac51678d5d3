using Broker.Coordination.Acls;
using Broker.Coordination.Controller;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;
using Broker.ZooKeeper;

namespace Broker.Server.Handlers;

/// <summary>
/// ControlledShutdown v0–3 (inter-broker, ZooKeeper mode only): a stopping broker asks the active controller to move
/// its leadership away; the answer lists the replicated partitions it still leads. NOT_CONTROLLER when this broker's
/// controller is not active, STALE_BROKER_EPOCH for a request from an older registration, BROKER_NOT_AVAILABLE for
/// an unregistered broker. Thread-safe: the controller serialises the work on its loop.
/// </summary>
public sealed class ControlledShutdownHandler(KafkaController controller) : RequestHandler<ControlledShutdownRequest>
{
    public override ApiKey ApiKey => ApiKey.ControlledShutdown;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ControlledShutdownRequest request) =>
        !context.IsAllowedOnCluster(AclOperation.ClusterAction) // Kafka: only brokers (ClusterAction on the cluster)
            ? new ControlledShutdownResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed }
            : await AnswerAsync(controller, request.BrokerId, request.BrokerEpoch, context.Aborted).ConfigureAwait(false);

    /// <summary>Runs the request on <paramref name="controller"/> and maps its outcome to a response (also used in-process).</summary>
    public static async Task<ControlledShutdownResponse> AnswerAsync(KafkaController controller, int brokerId, long brokerEpoch, CancellationToken ct)
    {
        ErrorCode error;
        try
        {
            var remaining = await controller.ControlledShutdownAsync(brokerId, brokerEpoch, ct).ConfigureAwait(false);
            return new ControlledShutdownResponse
            {
                RemainingPartitions = remaining
                    .Select(p => new ControlledShutdownResponse.RemainingPartition { TopicName = p.Topic, PartitionIndex = p.Partition })
                    .ToList(),
            };
        }
        catch (NotControllerException)
        {
            error = ErrorCode.NotController;
        }
        catch (StaleBrokerEpochException)
        {
            error = ErrorCode.StaleBrokerEpoch;
        }
        catch (BrokerNotAvailableException)
        {
            error = ErrorCode.BrokerNotAvailable;
        }
        catch (ZooKeeperException)
        {
            error = ErrorCode.UnknownServerError; // the controller retries on its own; the broker asks again
        }

        return new ControlledShutdownResponse { ErrorCode = (short)error };
    }
}
