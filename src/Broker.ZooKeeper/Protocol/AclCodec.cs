namespace Broker.ZooKeeper.Protocol;

/// <summary>Jute encoding of vector&lt;ACL&gt;: count, then per entry perms(int), scheme(string), id(string).</summary>
internal static class AclCodec
{
    public static void Write(JuteWriter writer, IReadOnlyList<ZooKeeperAcl> acl)
    {
        writer.WriteInt(acl.Count);
        foreach (var entry in acl)
        {
            writer.WriteInt((int)entry.Permissions);
            writer.WriteString(entry.Scheme);
            writer.WriteString(entry.Id);
        }
    }

    public static List<ZooKeeperAcl> Read(ref JuteReader reader)
    {
        int count = reader.ReadInt();
        var acl = new List<ZooKeeperAcl>(Math.Max(count, 0));
        for (int i = 0; i < count; i++)
        {
            var permissions = (ZooKeeperPermissions)reader.ReadInt();
            acl.Add(new ZooKeeperAcl(permissions, reader.ReadString() ?? string.Empty, reader.ReadString() ?? string.Empty));
        }

        return acl;
    }
}
