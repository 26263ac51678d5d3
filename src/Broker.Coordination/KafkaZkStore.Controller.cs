using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

// Reads and fenced writes used only by the active controller.
public sealed partial class KafkaZkStore
{
    /// <summary>
    /// Live brokers and their broker epochs (czxid of each <c>/brokers/ids/&lt;id&gt;</c>); <paramref name="watch"/>
    /// fires when the set of registrations changes. A re-registration (new session) shows as a higher epoch.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, long>> GetBrokerEpochsAsync(Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(BrokerIdZNode.Root, watch, ct).ConfigureAwait(false);
        var result = new Dictionary<int, long>();
        foreach (var child in children)
        {
            if (!int.TryParse(child, out int id)) continue;
            if (await zk.ExistsAsync(BrokerIdZNode.PathOf(id), null, ct).ConfigureAwait(false) is { } stat) result[id] = stat.Czxid;
        }

        return result;
    }

    /// <summary>
    /// Live brokers' registrations with their broker epochs (czxid), sorted by id; <paramref name="watch"/> fires when
    /// the set of registrations changes. A registration that vanishes between the listing and its read is left out.
    /// </summary>
    public async Task<IReadOnlyList<(BrokerIdZNode Broker, long Epoch)>> GetBrokerRegistrationsAsync(Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(BrokerIdZNode.Root, watch, ct).ConfigureAwait(false);
        var result = new List<(BrokerIdZNode, long)>();
        foreach (var child in children)
        {
            if (!int.TryParse(child, out int id)) continue;
            if (await GetBrokerAsync(id, null, ct).ConfigureAwait(false) is { } b) result.Add((b.Broker, b.Stat.Czxid));
        }

        return result.OrderBy(r => r.Item1.Id).ToList();
    }

    /// <summary>
    /// The controller's compare-and-set of one partition state, in its own multi with the controller-epoch check (so
    /// one conflicting partition never blocks the others): creates the state when <paramref name="expectedZkVersion"/>
    /// is null, else replaces the version read. Returns the new zkVersion, or null on a conflict on the partition
    /// path (changed, vanished, or created meanwhile): the caller re-reads and decides again. Throws
    /// <see cref="BadVersionException"/> with <see cref="ControllerEpochZNode.Path"/> when the controller was deposed.
    /// </summary>
    public async Task<int?> TryWritePartitionStateFencedAsync(int controllerEpochZkVersion, string topic, int partition,
        PartitionStateZNode state, int? expectedZkVersion, CancellationToken ct = default)
    {
        string path = PartitionStateZNode.PathOf(topic, partition);
        if (expectedZkVersion is null) await zk.EnsurePathAsync(PartitionStateZNode.PartitionPath(topic, partition), ct).ConfigureAwait(false);
        var op = expectedZkVersion is { } version
            ? ZooKeeperOp.SetData(path, state.Encode(), version)
            : ZooKeeperOp.Create(path, state.Encode(), CreateMode.Persistent);
        try
        {
            var results = await zk.MultiAsync([ZooKeeperOp.Check(ControllerEpochZNode.Path, controllerEpochZkVersion), op], ct).ConfigureAwait(false);
            return results[1] is OpResult.SetDataResult set ? set.Stat.Version : 0;
        }
        catch (ZooKeeperException ex) when (ex.Path == path && ex.Code is ZooKeeperErrorCode.BadVersion or ZooKeeperErrorCode.NoNode or ZooKeeperErrorCode.NodeExists)
        {
            return null;
        }
    }
}
