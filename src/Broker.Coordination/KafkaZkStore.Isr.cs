using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

public sealed partial class KafkaZkStore
{
    /// <summary>
    /// A partition leader's compare-and-set of its ISR (Kafka's leader-side <c>updateLeaderAndIsr</c>): writes
    /// <paramref name="state"/> only if the znode still has <paramref name="expectedZkVersion"/>. Returns the new
    /// zkVersion, or null when another writer (the controller, or a newer leader) changed the state first; the caller
    /// then re-reads and decides again, which is what fences a deposed leader.
    /// </summary>
    public async Task<int?> TryUpdatePartitionStateAsync(string topic, int partition, PartitionStateZNode state, int expectedZkVersion, CancellationToken ct = default)
    {
        try
        {
            var stat = await zk.SetDataAsync(PartitionStateZNode.PathOf(topic, partition), state.Encode(), expectedZkVersion, ct).ConfigureAwait(false);
            return stat.Version;
        }
        catch (BadVersionException)
        {
            return null;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Tells the controller that ISRs changed, as a sequential <c>/isr_change_notification/isr_change_</c> node.</summary>
    public Task NotifyIsrChangeAsync(IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct = default) =>
        zk.CreateAsync(IsrChangeNotificationZNode.Prefix, new IsrChangeNotificationZNode(partitions).Encode(), CreateMode.PersistentSequential, ct);

    /// <summary>Names of pending ISR change notifications, oldest first; <paramref name="watch"/> fires when one is added or removed.</summary>
    public async Task<IReadOnlyList<string>> GetIsrChangeNotificationsAsync(Func<WatchedEvent, Task>? watch, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(IsrChangeNotificationZNode.Root, watch, ct).ConfigureAwait(false);
        return children.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The partitions named by one notification (a child name from <see cref="GetIsrChangeNotificationsAsync"/>); null
    /// when it vanished meanwhile. Throws <see cref="FormatException"/> for a value that is not a notification.
    /// </summary>
    public async Task<IsrChangeNotificationZNode?> GetIsrChangeNotificationAsync(string name, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync($"{IsrChangeNotificationZNode.Root}/{name}", null, ct).ConfigureAwait(false);
            return IsrChangeNotificationZNode.Decode(data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Deletes a processed notification, fenced by the controller epoch like every controller write; absent is fine.</summary>
    public async Task DeleteIsrChangeNotificationFencedAsync(int controllerEpochZkVersion, string name, CancellationToken ct = default)
    {
        string path = $"{IsrChangeNotificationZNode.Root}/{name}";
        try
        {
            await FencedMultiAsync(controllerEpochZkVersion, [ZooKeeperOp.Delete(path)], ct).ConfigureAwait(false);
        }
        catch (NoNodeException ex) when (ex.Path == path)
        {
        }
    }
}
