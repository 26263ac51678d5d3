using Broker.Coordination;
using Broker.Coordination.ZNodes;
using Broker.Server.Partitions;

namespace Broker.Server.Cluster;

/// <summary>
/// Leader-side ISR changes in ZooKeeper mode (Kafka's ZooKeeper-era leader behaviour): compare-and-set the
/// partition's state znode on the version the leader last read, keeping the leader, its epoch and the controller
/// epoch recorded there, then leave an <c>/isr_change_notification</c> so the controller re-reads the partition.
/// A stale version (the controller changed the state, or a newer leader exists) fails the write; the leader's next
/// refresh brings the current state. Thread-safe (stateless over a thread-safe client).
/// </summary>
internal sealed class ZkIsrWriter(KafkaZkStore store, ZkClusterMetadata cluster) : IIsrWriter
{
    public async Task<int?> TryWriteIsrAsync(Partition partition, int leaderEpoch, int[] isr, int expectedVersion, CancellationToken ct)
    {
        int controllerEpoch = cluster.Cache.TryGetPartition(partition.Id.Topic, partition.Id.Partition)?.ControllerEpoch ?? 0;
        var state = new PartitionStateZNode(cluster.LocalBrokerId, leaderEpoch, isr, Math.Max(0, controllerEpoch));
        int? version = await store.TryUpdatePartitionStateAsync(partition.Id.Topic, partition.Id.Partition, state, expectedVersion, ct).ConfigureAwait(false);
        if (version is null)
        {
            cluster.RequestRefresh();
            return null;
        }

        await store.NotifyIsrChangeAsync([(partition.Id.Topic, partition.Id.Partition)], ct).ConfigureAwait(false);
        return version;
    }
}
