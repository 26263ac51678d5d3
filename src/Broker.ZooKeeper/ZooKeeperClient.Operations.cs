using Broker.ZooKeeper.Connection;
using Broker.ZooKeeper.Protocol;
using Broker.ZooKeeper.Watches;

namespace Broker.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>Creates a node (ACL from <see cref="ZooKeeperClientOptions.AclProvider"/>, else open) and returns its path, chroot stripped, including any sequential suffix.</summary>
    /// <exception cref="NodeExistsException">The node exists.</exception>
    /// <exception cref="NoNodeException">The parent does not exist.</exception>
    /// <exception cref="NoChildrenForEphemeralsException">The parent is ephemeral.</exception>
    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent,
        CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path, mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential);
        return SendAsync(OpCode.Create, path, writer =>
        {
            writer.WriteString(ToServer(path));
            writer.WriteBuffer(data.Span);
            AclCodec.Write(writer, AclOf(path));
            writer.WriteInt((int)mode);
        }, (error, ref reader) =>
        {
            ThrowIfError(error, path);
            return ZooKeeperPath.ToClient(_connectString.Chroot, reader.ReadString() ?? string.Empty);
        }, cancellationToken);
    }

    /// <param name="version">Expected version, or -1 for any.</param>
    /// <exception cref="NoNodeException"/>
    /// <exception cref="BadVersionException"/>
    /// <exception cref="NotEmptyException"/>
    public Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SendAsync(OpCode.Delete, path, writer =>
        {
            writer.WriteString(ToServer(path));
            writer.WriteInt(version);
        }, (error, ref _) =>
        {
            ThrowIfError(error, path);
            return true;
        }, cancellationToken);
    }

    /// <param name="version">Expected version, or -1 for any.</param>
    /// <returns>The node's new Stat.</returns>
    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1,
        CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SendAsync(OpCode.SetData, path, writer =>
        {
            writer.WriteString(ToServer(path));
            writer.WriteBuffer(data.Span);
            writer.WriteInt(version);
        }, (error, ref reader) =>
        {
            ThrowIfError(error, path);
            return reader.ReadStat();
        }, cancellationToken);
    }

    /// <summary>
    /// Returns the node's Stat, or null when it does not exist. With a <paramref name="watcher"/>, arms a one-shot
    /// watch either way: it fires on creation, data change or deletion of the node.
    /// </summary>
    public Task<Stat?> ExistsAsync(string path, Func<WatchedEvent, Task>? watcher = null,
        CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SendAsync(OpCode.Exists, path, writer =>
        {
            writer.WriteString(ToServer(path));
            writer.WriteBool(watcher is not null);
        }, (error, ref reader) =>
        {
            if (error == ZooKeeperErrorCode.NoNode)
            {
                AddWatch(WatchKind.Exist, path, watcher);
                return null;
            }

            ThrowIfError(error, path);
            var stat = reader.ReadStat();
            AddWatch(WatchKind.Data, path, watcher);
            return (Stat?)stat;
        }, cancellationToken);
    }

    /// <summary>Reads a node. With a <paramref name="watcher"/>, fires once on data change or deletion.</summary>
    /// <exception cref="NoNodeException">The node does not exist (no watch is armed).</exception>
    public Task<(byte[] Data, Stat Stat)> GetDataAsync(string path, Func<WatchedEvent, Task>? watcher = null,
        CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SendAsync(OpCode.GetData, path, writer =>
        {
            writer.WriteString(ToServer(path));
            writer.WriteBool(watcher is not null);
        }, (error, ref reader) =>
        {
            ThrowIfError(error, path);
            var data = reader.ReadBuffer() ?? [];
            var stat = reader.ReadStat();
            AddWatch(WatchKind.Data, path, watcher);
            return (data, stat);
        }, cancellationToken);
    }

    /// <summary>
    /// Lists child names (not paths, in server order) with the parent's Stat. With a <paramref name="watcher"/>,
    /// fires once when a child is added or removed, or the node is deleted.
    /// </summary>
    /// <exception cref="NoNodeException">The node does not exist (no watch is armed).</exception>
    public Task<(IReadOnlyList<string> Children, Stat Stat)> GetChildrenAsync(string path,
        Func<WatchedEvent, Task>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SendAsync(OpCode.GetChildren2, path, writer =>
        {
            writer.WriteString(ToServer(path));
            writer.WriteBool(watcher is not null);
        }, (error, ref reader) =>
        {
            ThrowIfError(error, path);
            IReadOnlyList<string> children = reader.ReadStringVector();
            var stat = reader.ReadStat();
            AddWatch(WatchKind.Child, path, watcher);
            return (children, stat);
        }, cancellationToken);
    }

    /// <summary>
    /// Applies all operations atomically, returning one result per operation. If any fails nothing is applied and
    /// the exception for the first failing operation is thrown (its <see cref="ZooKeeperException.Path"/> names
    /// that operation and <see cref="ZooKeeperException.MultiResults"/> holds every per-operation result).
    /// </summary>
    public Task<IReadOnlyList<OpResult>> MultiAsync(IReadOnlyList<ZooKeeperOp> ops, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (ops.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OpResult>>([]);
        }

        foreach (var op in ops)
        {
            ZooKeeperPath.Validate(op.Path, op.IsSequential);
        }

        return SendAsync(OpCode.Multi, ops[0].Path, writer => MultiCodec.WriteRequest(writer, ops, _connectString.Chroot, AclOf),
            (error, ref reader) =>
            {
                ThrowIfError(error, null);
                IReadOnlyList<OpResult> results = MultiCodec.ReadResponse(ref reader, _connectString.Chroot);
                for (var i = 0; i < results.Count; i++)
                {
                    if (results[i] is OpResult.ErrorResult { Code: not ZooKeeperErrorCode.Ok } failed)
                    {
                        var exception = ZooKeeperException.Create(failed.Code, i < ops.Count ? ops[i].Path : null, $"multi operation {i} failed");
                        exception.MultiResults = results;
                        throw exception;
                    }
                }

                return results;
            }, cancellationToken);
    }

    /// <summary>Creates <paramref name="path"/> and any missing ancestors as empty persistent nodes; existing ones are kept.</summary>
    public async Task EnsurePathAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var end = 0;
        while (end < path.Length)
        {
            end = path.IndexOf('/', end + 1);
            if (end < 0)
            {
                end = path.Length;
            }

            var prefix = path[..end];
            if (prefix.Length == 1)
            {
                continue;
            }

            try
            {
                await CreateAsync(prefix, ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
            }
        }
    }

    /// <summary>Creates a node after creating any missing ancestors (as empty persistent nodes).</summary>
    public async Task<string> CreateRecursiveAsync(string path, ReadOnlyMemory<byte> data,
        CreateMode mode = CreateMode.Persistent, CancellationToken cancellationToken = default)
    {
        if (ZooKeeperPath.Parent(path) is { Length: > 1 } parent)
        {
            await EnsurePathAsync(parent, cancellationToken).ConfigureAwait(false);
        }

        return await CreateAsync(path, data, mode, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(int opCode, string? path, Action<JuteWriter> writeBody, ResponseParser<T> parser,
        CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(path, cancellationToken).ConfigureAwait(false);
        var writer = NewRequest(opCode);
        writeBody(writer);
        var request = new PendingRequest<T>(writer, opCode, path, parser);
        connection.Send(request);
        return await request.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns a node's ACL and Stat. With <c>auth</c> entries resolved by the server: the creator's identities,
    /// e.g. <c>sasl:broker</c>.
    /// </summary>
    /// <exception cref="NoNodeException"/>
    public Task<(IReadOnlyList<ZooKeeperAcl> Acl, Stat Stat)> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SendAsync(OpCode.GetAcl, path, writer => writer.WriteString(ToServer(path)), (error, ref reader) =>
        {
            ThrowIfError(error, path);
            IReadOnlyList<ZooKeeperAcl> acl = AclCodec.Read(ref reader);
            return (acl, reader.ReadStat());
        }, cancellationToken);
    }

    private IReadOnlyList<ZooKeeperAcl> AclOf(string path) => _options.AclProvider?.Invoke(path) ?? ZooKeeperAcl.OpenUnsafe;

    private string ToServer(string path) => ZooKeeperPath.ToServer(_connectString.Chroot, path);

    private static void ThrowIfError(ZooKeeperErrorCode error, string? path)
    {
        if (error != ZooKeeperErrorCode.Ok)
        {
            throw ZooKeeperException.Create(error, path);
        }
    }
}
