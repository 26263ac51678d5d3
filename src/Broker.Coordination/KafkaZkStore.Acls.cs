using Broker.Coordination.Acls;
using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

public sealed partial class KafkaZkStore
{
    private static readonly AclPatternType[] StoredPatternTypes = [AclPatternType.Literal, AclPatternType.Prefixed];

    /// <summary>Creates the ACL roots, each resource type's folder and both change roots (Kafka's createAclPaths).</summary>
    public async Task EnsureAclPathsAsync(CancellationToken ct = default)
    {
        foreach (var pt in StoredPatternTypes)
        foreach (var type in AclZNodes.StoredTypes)
            await zk.EnsurePathAsync(AclZNodes.TypePath(pt, type), ct).ConfigureAwait(false);
        await zk.EnsurePathAsync(AclZNodes.LiteralChanges, ct).ConfigureAwait(false);
        await zk.EnsurePathAsync(AclZNodes.ExtendedChanges, ct).ConfigureAwait(false);
    }

    /// <summary>Every stored resource pattern (both stores, every type). A resource whose node vanished meanwhile is left out.</summary>
    public async Task<IReadOnlyList<ResourcePattern>> GetAclResourcesAsync(CancellationToken ct = default)
    {
        var list = new List<ResourcePattern>();
        foreach (var pt in StoredPatternTypes)
        foreach (var type in AclZNodes.StoredTypes)
        {
            try
            {
                var (children, _) = await zk.GetChildrenAsync(AclZNodes.TypePath(pt, type), null, ct).ConfigureAwait(false);
                list.AddRange(children.Select(name => new ResourcePattern(type, name, pt)));
            }
            catch (NoNodeException)
            {
            }
        }
        return list;
    }

    /// <summary>The ACLs of one resource pattern (empty when it has no node). Throws <see cref="FormatException"/> for a bad node.</summary>
    public async Task<IReadOnlyList<AclEntry>> GetAclsAsync(ResourcePattern pattern, CancellationToken ct = default)
    {
        string path = AclZNodes.PathOf(pattern);
        try
        {
            var (data, _) = await zk.GetDataAsync(path, null, ct).ConfigureAwait(false);
            return AclZNodes.Decode(path, data);
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>
    /// Changes one resource's ACLs as Kafka's AclAuthorizer.updateResourceAcls: <paramref name="change"/> maps the
    /// current set to the new one, written by compare-and-set (retried when another writer got in between); an empty
    /// set deletes the node. When anything changed, a change notification tells every broker. Returns the set before
    /// the change.
    /// </summary>
    public async Task<IReadOnlyList<AclEntry>> UpdateAclsAsync(ResourcePattern pattern,
        Func<IReadOnlyList<AclEntry>, IReadOnlyList<AclEntry>> change, CancellationToken ct = default)
    {
        string path = AclZNodes.PathOf(pattern);
        IReadOnlyList<AclEntry> before;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var (data, stat) = await zk.GetDataAsync(path, null, ct).ConfigureAwait(false);
                before = AclZNodes.Decode(path, data);
                var next = change(before);
                if (SameSet(before, next)) return before;
                if (next.Count == 0) await zk.DeleteAsync(path, stat.Version, ct).ConfigureAwait(false);
                else await zk.SetDataAsync(path, AclZNodes.Encode(next), stat.Version, ct).ConfigureAwait(false);
                break;
            }
            catch (NoNodeException)
            {
                before = [];
                var next = change(before);
                if (next.Count == 0) return before;
                try
                {
                    await zk.CreateRecursiveAsync(path, AclZNodes.Encode(next), CreateMode.Persistent, ct).ConfigureAwait(false);
                    break;
                }
                catch (NodeExistsException)
                {
                    // created meanwhile: read and change it
                }
            }
            catch (BadVersionException)
            {
                // changed meanwhile: read again
            }
        }

        await zk.CreateRecursiveAsync($"{AclZNodes.ChangeRootOf(pattern.PatternType)}/{AclZNodes.ChangePrefix}",
            AclZNodes.EncodeChange(pattern), CreateMode.PersistentSequential, ct).ConfigureAwait(false);
        return before;
    }

    /// <summary>The notifications under one change root (children names); <paramref name="watch"/> fires on the next change.</summary>
    public async Task<IReadOnlyList<string>> GetAclChangesAsync(string changeRoot, Func<WatchedEvent, Task>? watch, CancellationToken ct = default)
    {
        try
        {
            var (children, _) = await zk.GetChildrenAsync(changeRoot, watch, ct).ConfigureAwait(false);
            return children;
        }
        catch (NoNodeException)
        {
            await zk.EnsurePathAsync(changeRoot, ct).ConfigureAwait(false);
            var (children, _) = await zk.GetChildrenAsync(changeRoot, watch, ct).ConfigureAwait(false);
            return children;
        }
    }

    /// <summary>The resource a change notification names; null when the notification is gone or unreadable.</summary>
    public async Task<ResourcePattern?> GetAclChangeAsync(string changeRoot, string child, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync($"{changeRoot}/{child}", null, ct).ConfigureAwait(false);
            return AclZNodes.DecodeChange(changeRoot, data);
        }
        catch (NoNodeException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool SameSet(IReadOnlyList<AclEntry> a, IReadOnlyList<AclEntry> b) => a.ToHashSet().SetEquals(b);
}
