using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeCluster v0 (KIP-700): the cluster id, the controller and the live brokers (id, advertised host and port,
/// rack) as this broker's metadata view knows them, the same view Metadata answers from. Authorized operations are
/// not computed (no ACLs): the field keeps Kafka's "not requested" value. Thread-safe: reads one snapshot.
/// </summary>
public sealed class DescribeClusterHandler(IClusterMetadata metadata) : RequestHandler<DescribeClusterRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DescribeClusterRequest request) =>
        !context.IsAllowedOnCluster(AclOperation.Describe) // Kafka: Describe on the cluster
            ? ValueTask.FromResult<IKafkaResponse?>(new DescribeClusterResponse
            {
                ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed, ErrorMessage = ErrorCode.ClusterAuthorizationFailed.Message(),
                ClusterId = "", ControllerId = -1,
            })
            : ValueTask.FromResult<IKafkaResponse?>(new DescribeClusterResponse
        {
            ClusterId = metadata.ClusterId,
            ControllerId = metadata.ControllerId,
            Brokers = metadata.Brokers.OrderBy(b => b.Id).Select(b => new DescribeClusterResponse.DescribeClusterBroker
            {
                BrokerId = b.Id, Host = b.Host, Port = b.Port, Rack = b.Rack,
            }).ToList(),
        });
}
