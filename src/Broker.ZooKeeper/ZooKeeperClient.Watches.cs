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
    /// Re-arms all watches on a new connection of the same session. The server compares each path against
    /// <c>relativeZxid</c> (the last zxid we saw) and fires at once for changes we missed while disconnected.
    /// </summary>
    private void SendSetWatches(ZooKeeperConnection connection)
    {
        var (data, exist, child) = _watches.Snapshot();
        if (data.Count + exist.Count + child.Count == 0)
        {
            return;
        }

        var chroot = _connectString.Chroot;
        var writer = NewRequest(OpCode.SetWatches);
        writer.WriteLong(Volatile.Read(ref _lastZxid));
        writer.WriteStringVector(data.ConvertAll(p => ZooKeeperPath.ToServer(chroot, p)));
        writer.WriteStringVector(exist.ConvertAll(p => ZooKeeperPath.ToServer(chroot, p)));
        writer.WriteStringVector(child.ConvertAll(p => ZooKeeperPath.ToServer(chroot, p)));
        var request = new PendingRequest<bool>(writer, OpCode.SetWatches, null, static (_, ref _) => true);
        connection.Send(request, Xids.SetWatches);
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
