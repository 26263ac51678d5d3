using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

// Partition reassignment (KIP-455): /admin/reassign_partitions and the topic assignment the controller rewrites.
public sealed partial class KafkaZkStore
{
    /// <summary>
    /// The reassignments requested under <c>/admin/reassign_partitions</c>, or null when the node does not exist. With
    /// <paramref name="watch"/> the node is watched in both cases (exists-watch for its creation, data watch after).
    /// An unreadable node counts as an empty request (logged by the caller), as Kafka ignores it.
    /// </summary>
    public async Task<ReassignPartitionsZNode?> GetReassignmentRequestAsync(Func<WatchedEvent, Task>? watch, CancellationToken ct = default)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var (data, _) = await zk.GetDataAsync(ReassignPartitionsZNode.Path, watch, ct).ConfigureAwait(false);
                return ReassignPartitionsZNode.Decode(data);
            }
            catch (NoNodeException)
            {
                if (await zk.ExistsAsync(ReassignPartitionsZNode.Path, watch, ct).ConfigureAwait(false) is null) return null;
                // Created between the two calls: read it.
            }
        }

        return null;
    }

    /// <summary>Writes the remaining requests, or deletes the node when none remains; fenced by the controller epoch.</summary>
    public async Task SetReassignmentRequestFencedAsync(int controllerEpochZkVersion, ReassignPartitionsZNode? remaining, CancellationToken ct = default)
    {
        try
        {
            ZooKeeperOp op = remaining is null || remaining.Partitions.Count == 0
                ? ZooKeeperOp.Delete(ReassignPartitionsZNode.Path)
                : ZooKeeperOp.SetData(ReassignPartitionsZNode.Path, remaining.Encode());
            await FencedMultiAsync(controllerEpochZkVersion, [op], ct).ConfigureAwait(false);
        }
        catch (NoNodeException ex) when (ex.Path == ReassignPartitionsZNode.Path)
        {
            // Already gone (deleted by hand): nothing to remove.
        }
    }

    /// <summary>Creates <c>/admin/reassign_partitions</c> (a tool's request); false when one is already there.</summary>
    public async Task<bool> TryCreateReassignmentRequestAsync(ReassignPartitionsZNode request, CancellationToken ct = default)
    {
        try
        {
            await zk.CreateAsync(ReassignPartitionsZNode.Path, request.Encode(), CreateMode.Persistent, ct).ConfigureAwait(false);
            return true;
        }
        catch (NodeExistsException)
        {
            return false;
        }
    }

    /// <summary>Creates or replaces <c>/admin/reassign_partitions</c> (a tool adding to, or cancelling within, a running request).</summary>
    public async Task SetReassignmentRequestAsync(ReassignPartitionsZNode request, CancellationToken ct = default)
    {
        if (await TryCreateReassignmentRequestAsync(request, ct).ConfigureAwait(false)) return;
        try
        {
            await zk.SetDataAsync(ReassignPartitionsZNode.Path, request.Encode(), -1, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            await TryCreateReassignmentRequestAsync(request, ct).ConfigureAwait(false); // completed meanwhile
        }
    }

    /// <summary>Replaces a topic's assignment (replicas, adding and removing replicas); fenced by the controller epoch.</summary>
    public Task SetTopicAssignmentFencedAsync(int controllerEpochZkVersion, TopicZNode topic, CancellationToken ct = default) =>
        FencedMultiAsync(controllerEpochZkVersion, [ZooKeeperOp.SetData(TopicZNode.PathOf(topic.Topic), topic.Encode())], ct);
}
