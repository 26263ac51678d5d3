using Broker.ZooKeeper.Protocol;

namespace Broker.ZooKeeper;

/// <summary>
/// MultiRequest/MultiResponse framing: each op is preceded by MultiHeader(type, done=false, err=-1) and the list
/// ends with MultiHeader(-1, done=true, -1); responses use the same framing with per-op results.
/// </summary>
internal static class MultiCodec
{
    public static void WriteRequest(JuteWriter writer, IReadOnlyList<ZooKeeperOp> ops, string chroot, Func<string, IReadOnlyList<ZooKeeperAcl>> acls)
    {
        foreach (var op in ops)
        {
            writer.WriteInt(op.OpCode);
            writer.WriteBool(false);
            writer.WriteInt(-1);
            op.WriteBody(writer, ZooKeeperPath.ToServer(chroot, op.Path), acls);
        }

        writer.WriteInt(-1);
        writer.WriteBool(true);
        writer.WriteInt(-1);
    }

    public static List<OpResult> ReadResponse(ref JuteReader reader, string chroot)
    {
        var results = new List<OpResult>();
        while (true)
        {
            var type = reader.ReadInt();
            var done = reader.ReadBool();
            reader.ReadInt(); // err, repeated in the ErrorResponse body
            if (done)
            {
                return results;
            }

            results.Add(type switch
            {
                OpCode.Create => new OpResult.CreateResult(ZooKeeperPath.ToClient(chroot, reader.ReadString() ?? string.Empty)),
                OpCode.Delete => new OpResult.DeleteResult(),
                OpCode.SetData => new OpResult.SetDataResult(reader.ReadStat()),
                OpCode.Check => new OpResult.CheckResult(),
                OpCode.Error => new OpResult.ErrorResult((ZooKeeperErrorCode)reader.ReadInt()),
                _ => throw new InvalidDataException($"Unexpected op type {type} in ZooKeeper multi response."),
            });
        }
    }
}
