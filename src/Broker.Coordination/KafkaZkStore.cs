using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

/// <summary>A partition's state as read from ZooKeeper, with the znode version used for compare-and-set.</summary>
public sealed record PartitionStateRead(PartitionStateZNode State, int ZkVersion);

/// <summary>
/// Typed reads and writes of Kafka's znode layout over one <see cref="ZooKeeperClient"/> (Kafka's KafkaZkClient
/// idea). Thread-safe, as the client is. Watch callbacks run on the client's event task, in order.
/// </summary>
public sealed partial class KafkaZkStore(ZooKeeperClient zk)
{
    public ZooKeeperClient Client => zk;

    public async Task EnsurePersistentPathsAsync(CancellationToken ct = default)
    {
        foreach (var path in PersistentPaths.All) await zk.EnsurePathAsync(path, ct).ConfigureAwait(false);
    }

    /// <summary>Creates <c>/cluster/id</c> with <paramref name="proposed"/> unless it exists; returns the id in force.</summary>
    public async Task<string> GetOrCreateClusterIdAsync(string proposed, CancellationToken ct = default)
    {
        try
        {
            await zk.CreateRecursiveAsync(ClusterIdZNode.Path, new ClusterIdZNode(proposed).Encode(), CreateMode.Persistent, ct).ConfigureAwait(false);
            return proposed;
        }
        catch (NodeExistsException)
        {
            var (data, _) = await zk.GetDataAsync(ClusterIdZNode.Path, null, ct).ConfigureAwait(false);
            return ClusterIdZNode.Decode(data).Id;
        }
    }

    /// <summary>Creates the broker's ephemeral registration; returns the broker epoch (the znode's czxid).</summary>
    public async Task<long> RegisterBrokerAsync(BrokerIdZNode broker, CancellationToken ct = default)
    {
        string path = BrokerIdZNode.PathOf(broker.Id);
        await zk.CreateAsync(path, broker.Encode(), CreateMode.Ephemeral, ct).ConfigureAwait(false);
        var stat = await zk.ExistsAsync(path, null, ct).ConfigureAwait(false);
        return stat?.Czxid ?? -1;
    }

    public async Task<(BrokerIdZNode Broker, Stat Stat)?> GetBrokerAsync(int id, Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        try
        {
            var (data, stat) = await zk.GetDataAsync(BrokerIdZNode.PathOf(id), watch, ct).ConfigureAwait(false);
            return (BrokerIdZNode.Decode(id, data), stat);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Live brokers, sorted by id; <paramref name="watch"/> fires when the set changes.</summary>
    public async Task<IReadOnlyList<BrokerIdZNode>> GetBrokersAsync(Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(BrokerIdZNode.Root, watch, ct).ConfigureAwait(false);
        var result = new List<BrokerIdZNode>();
        foreach (var child in children)
        {
            if (!int.TryParse(child, out int id)) continue;
            if (await GetBrokerAsync(id, null, ct).ConfigureAwait(false) is { } b) result.Add(b.Broker);
        }

        return result.OrderBy(b => b.Id).ToList();
    }

    /// <summary>The active controller's id, or -1; <paramref name="watch"/> fires on creation, change or deletion.</summary>
    public async Task<int> GetControllerIdAsync(Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        var stat = await zk.ExistsAsync(ControllerZNode.Path, watch, ct).ConfigureAwait(false);
        if (stat is null) return -1;
        try
        {
            var (data, _) = await zk.GetDataAsync(ControllerZNode.Path, null, ct).ConfigureAwait(false);
            return ControllerZNode.Decode(data).BrokerId;
        }
        catch (NoNodeException)
        {
            return -1;
        }
    }

    /// <summary>
    /// The active controller's id and the session that owns its ephemeral <c>/controller</c> node, or null when there
    /// is none; <paramref name="watch"/> fires on creation, change or deletion. The owner tells a lost election reply
    /// (our id, our session: we won) from a registration of this broker's previous life (our id, another session).
    /// </summary>
    public async Task<(int BrokerId, long EphemeralOwner)?> GetControllerOwnerAsync(Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        var stat = await zk.ExistsAsync(ControllerZNode.Path, watch, ct).ConfigureAwait(false);
        if (stat is null) return null;
        try
        {
            var (data, read) = await zk.GetDataAsync(ControllerZNode.Path, null, ct).ConfigureAwait(false);
            return (ControllerZNode.Decode(data).BrokerId, read.EphemeralOwner);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Reads (creating with 0 when absent) the controller epoch and its zkVersion.</summary>
    public async Task<(int Epoch, int ZkVersion)> GetControllerEpochAsync(CancellationToken ct = default)
    {
        try
        {
            var (data, stat) = await zk.GetDataAsync(ControllerEpochZNode.Path, null, ct).ConfigureAwait(false);
            return (ControllerEpochZNode.Decode(data), stat.Version);
        }
        catch (NoNodeException)
        {
            try
            {
                await zk.CreateAsync(ControllerEpochZNode.Path, ControllerEpochZNode.Encode(0), CreateMode.Persistent, ct).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
            }

            return await GetControllerEpochAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One election attempt, atomically: create <c>/controller</c> and bump <c>/controller_epoch</c> at its read
    /// version. Returns the new epoch and its zkVersion, or null when another broker won.
    /// </summary>
    public async Task<(int Epoch, int ZkVersion)?> TryElectControllerAsync(int brokerId, long nowMs, CancellationToken ct = default) =>
        await TryElectControllerAsync(brokerId, nowMs, await GetControllerEpochAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>One election attempt from the controller epoch <paramref name="current"/> (value and zkVersion) read before.</summary>
    public async Task<(int Epoch, int ZkVersion)?> TryElectControllerAsync(int brokerId, long nowMs, (int Epoch, int ZkVersion) current, CancellationToken ct = default)
    {
        var (epoch, version) = current;
        try
        {
            var results = await zk.MultiAsync(
            [
                ZooKeeperOp.Create(ControllerZNode.Path, new ControllerZNode(brokerId, nowMs).Encode(), CreateMode.Ephemeral),
                ZooKeeperOp.SetData(ControllerEpochZNode.Path, ControllerEpochZNode.Encode(epoch + 1), version),
            ], ct).ConfigureAwait(false);
            var set = (OpResult.SetDataResult)results[1];
            return (epoch + 1, set.Stat.Version);
        }
        catch (ZooKeeperException ex) when (ex.Code is ZooKeeperErrorCode.NodeExists or ZooKeeperErrorCode.BadVersion)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> GetTopicNamesAsync(Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(TopicZNode.Root, watch, ct).ConfigureAwait(false);
        return children;
    }

    public async Task<TopicZNode?> GetTopicAsync(string topic, Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync(TopicZNode.PathOf(topic), watch, ct).ConfigureAwait(false);
            return TopicZNode.Decode(topic, data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Test hook: runs after a watched read of a partition state found no node and before the exists-watch is armed,
    /// so a test can create the node in exactly that window. Null in production.
    /// </summary>
    internal Func<string, Task>? BeforeExistsWatch { get; set; }

    /// <summary>
    /// A partition's state, or null when it has none yet. With <paramref name="watch"/>, a watch is armed in every
    /// outcome: on the node when it exists, or an exists-watch that fires when it is created. The state may be
    /// created between the read and the exists call; then the exists call has armed a data watch on a node that
    /// will not change soon, so the state is read again instead of reporting "no state" (which would leave the caller
    /// with no leader and no notification to come).
    /// </summary>
    public async Task<PartitionStateRead?> GetPartitionStateAsync(string topic, int partition, Func<WatchedEvent, Task>? watch = null, CancellationToken ct = default)
    {
        string path = PartitionStateZNode.PathOf(topic, partition);
        try
        {
            return await ReadPartitionStateAsync(path, watch, ct).ConfigureAwait(false);
        }
        catch (NoNodeException) when (watch is null)
        {
            return null;
        }
        catch (NoNodeException)
        {
            // A read on a missing node leaves no watch on the server: arm one for the creation.
        }

        if (BeforeExistsWatch is { } hook) await hook(path).ConfigureAwait(false);
        if (await zk.ExistsAsync(path, watch, ct).ConfigureAwait(false) is null) return null;
        try
        {
            // Created meanwhile. The exists call armed a data watch, so a deletion from here on still notifies.
            return await ReadPartitionStateAsync(path, watch, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private async Task<PartitionStateRead> ReadPartitionStateAsync(string path, Func<WatchedEvent, Task>? watch, CancellationToken ct)
    {
        var (data, stat) = await zk.GetDataAsync(path, watch, ct).ConfigureAwait(false);
        return new PartitionStateRead(PartitionStateZNode.Decode(data, path), stat.Version);
    }

    /// <summary>Writes <c>/config/topics/&lt;t&gt;</c> then <c>/brokers/topics/&lt;t&gt;</c>, as Kafka's admin path.</summary>
    public async Task CreateTopicAsync(TopicZNode topic, IReadOnlyDictionary<string, string> configs, CancellationToken ct = default)
    {
        string configPath = TopicConfigZNode.PathOf(topic.Topic);
        byte[] config = new TopicConfigZNode(configs).Encode();
        try
        {
            await zk.CreateAsync(configPath, config, CreateMode.Persistent, ct).ConfigureAwait(false);
        }
        catch (NodeExistsException)
        {
            // A leftover of an earlier topic of the same name: overwrite it.
            await zk.SetDataAsync(configPath, config, -1, ct).ConfigureAwait(false);
        }

        await zk.CreateAsync(TopicZNode.PathOf(topic.Topic), topic.Encode(), CreateMode.Persistent, ct).ConfigureAwait(false);
    }

    /// <summary>Replaces a topic's assignment (adding partitions), guarded by nothing but the caller's checks.</summary>
    public Task SetTopicAssignmentAsync(TopicZNode topic, CancellationToken ct = default) =>
        zk.SetDataAsync(TopicZNode.PathOf(topic.Topic), topic.Encode(), -1, ct);

    public async Task<IReadOnlyDictionary<string, string>> GetTopicConfigAsync(string topic, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync(TopicConfigZNode.PathOf(topic), null, ct).ConfigureAwait(false);
            return TopicConfigZNode.Decode(topic, data).Config;
        }
        catch (NoNodeException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>Writes a topic's overrides and a change notification every broker watches.</summary>
    public async Task SetTopicConfigAsync(string topic, IReadOnlyDictionary<string, string> configs, CancellationToken ct = default)
    {
        byte[] data = new TopicConfigZNode(configs).Encode();
        try
        {
            await zk.SetDataAsync(TopicConfigZNode.PathOf(topic), data, -1, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            await zk.CreateAsync(TopicConfigZNode.PathOf(topic), data, CreateMode.Persistent, ct).ConfigureAwait(false);
        }

        await zk.CreateAsync(ConfigChangeZNode.Prefix, new ConfigChangeZNode($"topics/{topic}").Encode(), CreateMode.PersistentSequential, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> GetConfigChangesAsync(Func<WatchedEvent, Task>? watch, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(ConfigChangeZNode.Root, watch, ct).ConfigureAwait(false);
        return children;
    }

    /// <summary>Asks the controller to delete the topic (idempotent).</summary>
    public async Task RequestTopicDeletionAsync(string topic, CancellationToken ct = default)
    {
        try
        {
            await zk.CreateAsync(DeleteTopicZNode.PathOf(topic), ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, ct).ConfigureAwait(false);
        }
        catch (NodeExistsException)
        {
        }
    }

    public async Task<IReadOnlyList<string>> GetTopicDeletionsAsync(Func<WatchedEvent, Task>? watch, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(DeleteTopicZNode.Root, watch, ct).ConfigureAwait(false);
        return children;
    }

    /// <summary>
    /// Controller-fenced write of partition states: every op runs only if <c>/controller_epoch</c> still has the
    /// version this controller set. A <see cref="BadVersionException"/> from the check means the controller was deposed.
    /// </summary>
    public Task FencedMultiAsync(int controllerEpochZkVersion, IEnumerable<ZooKeeperOp> ops, CancellationToken ct = default)
    {
        var all = new List<ZooKeeperOp> { ZooKeeperOp.Check(ControllerEpochZNode.Path, controllerEpochZkVersion) };
        all.AddRange(ops);
        return zk.MultiAsync(all, ct);
    }

    /// <summary>Deletes a path and everything below it (not atomic; used for topic removal by the controller).</summary>
    public async Task DeleteRecursiveAsync(string path, CancellationToken ct = default)
    {
        IReadOnlyList<string> children;
        try
        {
            (children, _) = await zk.GetChildrenAsync(path, null, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return;
        }

        foreach (var child in children) await DeleteRecursiveAsync($"{path}/{child}", ct).ConfigureAwait(false);
        try
        {
            await zk.DeleteAsync(path, -1, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
        }
    }
}
