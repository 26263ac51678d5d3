namespace Broker.ZooKeeper;

/// <summary>ZooKeeper permission bits of an ACL entry (ZooDefs.Perms).</summary>
[Flags]
public enum ZooKeeperPermissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Create = 4,
    Delete = 8,
    Admin = 16,
    All = Read | Write | Create | Delete | Admin,
}

/// <summary>
/// One ACL entry: who (<paramref name="Scheme"/>:<paramref name="Id"/>, e.g. <c>world:anyone</c>, <c>sasl:broker</c>)
/// may do what. The pseudo-scheme <c>auth</c> with an empty id, given at creation, means "every identity the creating
/// connection authenticated as"; the server stores those identities instead. Immutable.
/// </summary>
public sealed record ZooKeeperAcl(ZooKeeperPermissions Permissions, string Scheme, string Id)
{
    /// <summary>world:anyone, all permissions (ZooDefs.Ids.OPEN_ACL_UNSAFE).</summary>
    public static IReadOnlyList<ZooKeeperAcl> OpenUnsafe { get; } = [new(ZooKeeperPermissions.All, "world", "anyone")];

    /// <summary>All permissions for the creator's authenticated identities (ZooDefs.Ids.CREATOR_ALL_ACL).</summary>
    public static ZooKeeperAcl CreatorAll { get; } = new(ZooKeeperPermissions.All, "auth", "");

    /// <summary>world:anyone may read (ZooDefs.Ids.READ_ACL_UNSAFE).</summary>
    public static ZooKeeperAcl WorldRead { get; } = new(ZooKeeperPermissions.Read, "world", "anyone");

    public override string ToString() => $"{Scheme}:{Id}:{Permissions}";
}
