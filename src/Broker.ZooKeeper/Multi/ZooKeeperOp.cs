using Broker.ZooKeeper.Protocol;

namespace Broker.ZooKeeper;

/// <summary>
/// One operation of an atomic <see cref="ZooKeeperClient.MultiAsync"/> transaction. Build with the static factories;
/// paths are client-relative (the chroot is applied when the transaction is sent).
/// </summary>
public abstract record ZooKeeperOp(string Path)
{
    public static ZooKeeperOp Create(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent)
        => new CreateOp(path, data, mode);

    /// <param name="version">Expected version, or -1 for any.</param>
    public static ZooKeeperOp Delete(string path, int version = -1) => new DeleteOp(path, version);

    /// <param name="version">Expected version, or -1 for any.</param>
    public static ZooKeeperOp SetData(string path, ReadOnlyMemory<byte> data, int version = -1)
        => new SetDataOp(path, data, version);

    /// <summary>Fails the transaction unless the node exists with exactly this version.</summary>
    public static ZooKeeperOp Check(string path, int version) => new CheckOp(path, version);

    internal abstract int OpCode { get; }

    internal bool IsSequential => this is CreateOp { Mode: CreateMode.PersistentSequential or CreateMode.EphemeralSequential };

    /// <param name="acls">The ACL of a created node, by client-relative path.</param>
    internal abstract void WriteBody(JuteWriter writer, string serverPath, Func<string, IReadOnlyList<ZooKeeperAcl>> acls);

    public sealed record CreateOp(string Path, ReadOnlyMemory<byte> Data, CreateMode Mode) : ZooKeeperOp(Path)
    {
        internal override int OpCode => Protocol.OpCode.Create;

        internal override void WriteBody(JuteWriter writer, string serverPath, Func<string, IReadOnlyList<ZooKeeperAcl>> acls)
        {
            writer.WriteString(serverPath);
            writer.WriteBuffer(Data.Span);
            AclCodec.Write(writer, acls(Path));
            writer.WriteInt((int)Mode);
        }
    }

    public sealed record DeleteOp(string Path, int Version) : ZooKeeperOp(Path)
    {
        internal override int OpCode => Protocol.OpCode.Delete;

        internal override void WriteBody(JuteWriter writer, string serverPath, Func<string, IReadOnlyList<ZooKeeperAcl>> acls)
        {
            writer.WriteString(serverPath);
            writer.WriteInt(Version);
        }
    }

    public sealed record SetDataOp(string Path, ReadOnlyMemory<byte> Data, int Version) : ZooKeeperOp(Path)
    {
        internal override int OpCode => Protocol.OpCode.SetData;

        internal override void WriteBody(JuteWriter writer, string serverPath, Func<string, IReadOnlyList<ZooKeeperAcl>> acls)
        {
            writer.WriteString(serverPath);
            writer.WriteBuffer(Data.Span);
            writer.WriteInt(Version);
        }
    }

    public sealed record CheckOp(string Path, int Version) : ZooKeeperOp(Path)
    {
        internal override int OpCode => Protocol.OpCode.Check;

        internal override void WriteBody(JuteWriter writer, string serverPath, Func<string, IReadOnlyList<ZooKeeperAcl>> acls)
        {
            writer.WriteString(serverPath);
            writer.WriteInt(Version);
        }
    }
}
