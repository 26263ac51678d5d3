using Broker.ZooKeeper.Connection;
using Broker.ZooKeeper.Protocol;
using Broker.ZooKeeper.Watches;

namespace Broker.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    void IConnectionOwner.OnNotification(WatchedEventType type, string serverPath)
    {
        var path = ZooKeeperPath.ToClient(_connectString.Chroot, serverPath);
        var watchers = _watches.Take(type, path);
        if (watchers.Count > 0)
        {
            Deliver(watchers, new WatchedEvent(type, ZooKeeperState.Connected, path));
        }
    }

    void IConnectionOwner.OnZxid(long zxid)
    {
        // Replies of one connection arrive in zxid order and connections never overlap, so no CAS is needed.
        if (zxid > Volatile.Read(ref _lastZxid))
        {
            Volatile.Write(ref _lastZxid, zxid);
        }
    }

    int IConnectionOwner.NextXid()
    {
        // Stay positive: negative xids are reserved for pings, notifications and SetWatches.
        var xid = Interlocked.Increment(ref _xid) & int.MaxValue;
        return xid == 0 ? 1 : xid;
    }

    /// <summary>Registers a watch from a reply parser (receive loop), i.e. before later notifications are read.</summary>
    private void AddWatch(WatchKind kind, string path, Func<WatchedEvent, Task>? watcher)
    {
        if (watcher is not null)
        {
            _watches.Add(kind, path, watcher);
        }
    }

    /// <summary>Drops every watch and tells each callback once that the session ended.</summary>
    private void NotifyAllWatchersLocked(ZooKeeperState state)
    {
        var watchers = _watches.TakeAll();
        if (watchers.Count > 0)
        {
            Deliver(watchers, new WatchedEvent(WatchedEventType.None, state, null));
        }
    }

    private void Deliver(List<Func<WatchedEvent, Task>> watchers, WatchedEvent watchedEvent) =>
        _dispatcher.Enqueue(async () =>
        {
            foreach (var watcher in watchers)
            {
                try
                {
                    await watcher(watchedEvent).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    ZooKeeperLog.CallbackFailed(_logger, e);
                }
            }
        });

    /// <summary>
    /// Upper bound on the path characters of one SetWatches packet (as ZooKeeper's own client): a server refuses any
    /// packet over <c>jute.maxbuffer</c> (1 MB by default) by closing the connection (ZOOKEEPER-706), so one packet
    /// for every watched path would make a client with many watches reconnect forever without its watches.
    /// </summary>
    internal const int SetWatchesMaxPathChars = 128 * 1024;

    /// <summary>
    /// Re-arms all watches on a new connection of the same session, in as many SetWatches packets as needed to keep
    /// each under <see cref="SetWatchesMaxPathChars"/>. The server compares each path against <c>relativeZxid</c>
    /// (the last zxid we saw) and fires at once for changes we missed while disconnected. Called before the
    /// connection is handed to any request, so all packets precede the session's next operations on the wire.
    /// </summary>
    private void SendSetWatches(ZooKeeperConnection connection)
    {
        var (data, exist, child) = _watches.Snapshot();
        var chroot = _connectString.Chroot;
        var lastZxid = Volatile.Read(ref _lastZxid);
        foreach (var (d, e, c) in SplitSetWatches(data, exist, child, SetWatchesMaxPathChars))
        {
            var writer = NewRequest(OpCode.SetWatches);
            writer.WriteLong(lastZxid);
            writer.WriteStringVector(d.ConvertAll(p => ZooKeeperPath.ToServer(chroot, p)));
            writer.WriteStringVector(e.ConvertAll(p => ZooKeeperPath.ToServer(chroot, p)));
            writer.WriteStringVector(c.ConvertAll(p => ZooKeeperPath.ToServer(chroot, p)));
            var request = new PendingRequest<bool>(writer, OpCode.SetWatches, null, static (_, ref _) => true);
            connection.Send(request, Xids.SetWatches);
        }
    }

    /// <summary>
    /// Splits the watched paths into batches whose path lengths sum to at most <paramref name="maxChars"/> (a single
    /// longer path gets a batch of its own). Every path appears in exactly one batch, under its kind; no empty batch.
    /// </summary>
    internal static List<(List<string> Data, List<string> Exist, List<string> Child)> SplitSetWatches(
        List<string> data, List<string> exist, List<string> child, int maxChars)
    {
        var batches = new List<(List<string>, List<string>, List<string>)>();
        (List<string> Data, List<string> Exist, List<string> Child) current = ([], [], []);
        var chars = 0;
        foreach (var (kind, paths) in new[] { (0, data), (1, exist), (2, child) })
        {
            foreach (var path in paths)
            {
                if (chars > 0 && chars + path.Length > maxChars)
                {
                    batches.Add(current);
                    current = ([], [], []);
                    chars = 0;
                }

                (kind == 0 ? current.Data : kind == 1 ? current.Exist : current.Child).Add(path);
                chars += path.Length;
            }
        }

        if (chars > 0 || current.Data.Count + current.Exist.Count + current.Child.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>Starts a request frame: RequestHeader with an xid placeholder (patched by the connection) and type.</summary>
    private static JuteWriter NewRequest(int opCode, int sizeHint = 128)
    {
        var writer = new JuteWriter(sizeHint);
        writer.WriteInt(0);
        writer.WriteInt(opCode);
        return writer;
    }
}
