using Broker.ZooKeeper;

namespace Broker.Coordination.Controller;

// ISR change notifications written by partition leaders (loop-owned).
public sealed partial class KafkaController
{
    /// <summary>
    /// Kafka's IsrChangeNotification handling: re-read the states named by every pending notification into the
    /// cache, then delete the notifications. The re-read partitions are reconciled too, in case a leader re-added a
    /// follower that died meanwhile.
    /// </summary>
    private async Task OnIsrChangesNotifiedAsync()
    {
        var ct = _stop.Token;
        var names = await _store.GetIsrChangeNotificationsAsync(OnIsrChanges, ct).ConfigureAwait(false);
        if (names.Count == 0) return;

        var touched = new HashSet<(string Topic, int Partition)>();
        foreach (var name in names)
        {
            try
            {
                if (await _store.GetIsrChangeNotificationAsync(name, ct).ConfigureAwait(false) is { } notification)
                    touched.UnionWith(notification.Partitions);
            }
            catch (Exception ex) when (ex is not ZooKeeperException and not OperationCanceledException)
            {
                LogBadIsrNotification(name, ex.Message); // deleted below like the others, as Kafka does
            }
        }

        var known = touched.Where(k => _topics.TryGetValue(k.Topic, out var t) && t.Partitions.ContainsKey(k.Partition)).ToList();
        foreach (var (topic, partition) in known) await RereadAsync(topic, partition, ct).ConfigureAwait(false);
        foreach (var name in names) await _store.DeleteIsrChangeNotificationFencedAsync(_epochZkVersion, name, ct).ConfigureAwait(false);
        LogIsrNotifications(names.Count, known.Count);
        await ReconcileAsync(known, ct).ConfigureAwait(false);
        await CompleteReassignmentsAsync(known, ct).ConfigureAwait(false);
    }
}
