using Broker.ZooKeeper;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// The ACL a broker gives each znode it creates with <c>zookeeper.set.acl=true</c>, as Kafka's ZkData.defaultAcls:
/// all permissions for the creating identity (the broker's SASL user, <c>sasl:&lt;user&gt;</c>) plus world READ, except
/// that SCRAM credentials, broker configs and delegation tokens (<see cref="SensitiveRoots"/>) are readable by the
/// creator only, and <c>/consumers</c> itself stays open because old consumers write under it. Paths are
/// chroot-relative. Without <c>zookeeper.set.acl</c> every znode is world:anyone ALL. Stateless, thread-safe.
/// </summary>
public static class KafkaZkAcls
{
    /// <summary>Prefixes (string prefixes, as Kafka compares them) of znodes only the broker may read.</summary>
    public static IReadOnlyList<string> SensitiveRoots { get; } = [UserConfigZNode.Root, BrokerConfigZNode.Root, "/delegation_token"];

    private static readonly IReadOnlyList<ZooKeeperAcl> CreatorOnly = [ZooKeeperAcl.CreatorAll];
    private static readonly IReadOnlyList<ZooKeeperAcl> CreatorAllWorldRead = [ZooKeeperAcl.CreatorAll, ZooKeeperAcl.WorldRead];

    /// <summary>The ACL policy for a broker's ZooKeeper client: null (open ACLs) unless <paramref name="secure"/>.</summary>
    public static Func<string, IReadOnlyList<ZooKeeperAcl>>? Policy(bool secure) => secure ? For : null;

    /// <summary>The secure ACL of <paramref name="path"/>.</summary>
    public static IReadOnlyList<ZooKeeperAcl> For(string path)
    {
        if (path == "/consumers") return ZooKeeperAcl.OpenUnsafe;
        return SensitiveRoots.Any(root => path.StartsWith(root, StringComparison.Ordinal)) ? CreatorOnly : CreatorAllWorldRead;
    }
}
