using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

// Log dir event notifications (Kafka's propagateLogDirEvent and the controller's LogDirEventNotification reads).
public sealed partial class KafkaZkStore
{
    /// <summary>
    /// Tells the controller that a log dir of <paramref name="brokerId"/> failed, as a sequential
    /// <c>/log_dir_event_notification/log_dir_event_</c> node (its parent is created when missing). Retries a lost
    /// connection every <paramref name="retryBackoff"/> until written or <paramref name="ct"/> is cancelled, as Kafka's
    /// retryRequestUntilConnected: a notification must not be lost to a ZooKeeper hiccup, or the failed dir's
    /// partitions keep their leader here. Returns the created path.
    /// </summary>
    public async Task<string> PropagateLogDirEventAsync(int brokerId, TimeSpan retryBackoff, CancellationToken ct = default)
    {
        byte[] data = new LogDirEventNotificationZNode(brokerId).Encode();
        while (true)
        {
            try
            {
                return await zk.CreateAsync(LogDirEventNotificationZNode.Prefix, data, CreateMode.PersistentSequential, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                await zk.EnsurePathAsync(LogDirEventNotificationZNode.Root, ct).ConfigureAwait(false);
            }
            catch (ZooKeeperException ex) when (ex is ConnectionLossException or OperationTimeoutException or SessionExpiredException)
            {
                await Task.Delay(retryBackoff, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Names of pending log dir event notifications, oldest first; <paramref name="watch"/> fires when one is added or removed.</summary>
    public async Task<IReadOnlyList<string>> GetLogDirEventNotificationsAsync(Func<WatchedEvent, Task>? watch, CancellationToken ct = default)
    {
        var (children, _) = await zk.GetChildrenAsync(LogDirEventNotificationZNode.Root, watch, ct).ConfigureAwait(false);
        return children.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The broker named by one notification (a child name from <see cref="GetLogDirEventNotificationsAsync"/>); null
    /// when it vanished meanwhile. Throws <see cref="FormatException"/> for a value that is not a notification.
    /// </summary>
    public async Task<int?> GetLogDirEventNotificationAsync(string name, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync($"{LogDirEventNotificationZNode.Root}/{name}", null, ct).ConfigureAwait(false);
            return LogDirEventNotificationZNode.Decode(data).Broker;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Deletes a processed notification, fenced by the controller epoch like every controller write; absent is fine.</summary>
    public async Task DeleteLogDirEventNotificationFencedAsync(int controllerEpochZkVersion, string name, CancellationToken ct = default)
    {
        string path = $"{LogDirEventNotificationZNode.Root}/{name}";
        try
        {
            await FencedMultiAsync(controllerEpochZkVersion, [ZooKeeperOp.Delete(path)], ct).ConfigureAwait(false);
        }
        catch (NoNodeException ex) when (ex.Path == path)
        {
        }
    }
}
