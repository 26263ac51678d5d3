namespace Broker.ZooKeeper.Watches;

/// <summary>
/// Client-side one-shot watches keyed by client path. A callback registered several times for the same path and
/// kind is stored once (delegate equality), and an event invokes each callback at most once. Thread-safe.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<Func<WatchedEvent, Task>>>[] _tables =
        [new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

    public void Add(WatchKind kind, string path, Func<WatchedEvent, Task> watcher)
    {
        lock (_gate)
        {
            var table = _tables[(int)kind];
            if (!table.TryGetValue(path, out var set))
            {
                table[path] = set = [];
            }

            set.Add(watcher);
        }
    }

    /// <summary>
    /// Removes and returns the watchers an event fires: created/data-changed → data and exist watches;
    /// children-changed → child watches; deleted → data, exist and child watches.
    /// </summary>
    public List<Func<WatchedEvent, Task>> Take(WatchedEventType type, string path)
    {
        var result = new List<Func<WatchedEvent, Task>>();
        lock (_gate)
        {
            switch (type)
            {
                case WatchedEventType.NodeCreated:
                case WatchedEventType.NodeDataChanged:
                    TakeInto(WatchKind.Data, path, result);
                    TakeInto(WatchKind.Exist, path, result);
                    break;
                case WatchedEventType.NodeChildrenChanged:
                    TakeInto(WatchKind.Child, path, result);
                    break;
                case WatchedEventType.NodeDeleted:
                    TakeInto(WatchKind.Data, path, result);
                    TakeInto(WatchKind.Exist, path, result);
                    TakeInto(WatchKind.Child, path, result);
                    break;
            }
        }

        return result;
    }

    /// <summary>Removes every watch (session ended) and returns the distinct callbacks.</summary>
    public List<Func<WatchedEvent, Task>> TakeAll()
    {
        var result = new List<Func<WatchedEvent, Task>>();
        lock (_gate)
        {
            foreach (var table in _tables)
            {
                foreach (var set in table.Values)
                {
                    foreach (var watcher in set)
                    {
                        if (!result.Contains(watcher))
                        {
                            result.Add(watcher);
                        }
                    }
                }

                table.Clear();
            }
        }

        return result;
    }

    /// <summary>The watched paths per kind, for SetWatches after a reconnect.</summary>
    public (List<string> Data, List<string> Exist, List<string> Child) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _tables[0].Keys], [.. _tables[1].Keys], [.. _tables[2].Keys]);
        }
    }

    private void TakeInto(WatchKind kind, string path, List<Func<WatchedEvent, Task>> result)
    {
        if (_tables[(int)kind].Remove(path, out var set))
        {
            foreach (var watcher in set)
            {
                if (!result.Contains(watcher))
                {
                    result.Add(watcher);
                }
            }
        }
    }
}
