using Broker.Coordination;
using Broker.Coordination.Acls;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Security.Authorization;

/// <summary>
/// The ACLs behind CreateAcls, DescribeAcls and DeleteAcls: reads from the broker's cache (as Kafka's AclAuthorizer
/// answers DescribeAcls), writes to ZooKeeper resource by resource, each with its change notification. Thread-safe.
/// </summary>
public interface IAclAdmin
{
    /// <summary>False when no authorizer is configured: the ACL APIs answer SECURITY_DISABLED, as Kafka's.</summary>
    bool Enabled { get; }

    IReadOnlyList<AclBinding> Describe(AclBindingFilter filter);

    /// <summary>Adds entries to their resources (an entry already there is kept once).</summary>
    Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct);

    /// <summary>Removes the bindings matching <paramref name="filter"/>; returns those removed.</summary>
    Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct);
}

/// <summary>No authorizer: nothing to administer.</summary>
public sealed class DisabledAclAdmin : IAclAdmin
{
    public bool Enabled => false;

    public IReadOnlyList<AclBinding> Describe(AclBindingFilter filter) => [];

    public Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct) => throw new InvalidOperationException("no authorizer");

    public Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct) => throw new InvalidOperationException("no authorizer");
}

/// <summary>The ZooKeeper store: <see cref="AclCache"/> for reads, <see cref="KafkaZkStore.UpdateAclsAsync"/> for writes.</summary>
public sealed partial class ZkAclAdmin(KafkaZkStore store, AclCache cache, ILogger<ZkAclAdmin> logger) : IAclAdmin
{
    public bool Enabled => true;

    public IReadOnlyList<AclBinding> Describe(AclBindingFilter filter) =>
        cache.Snapshot.SelectMany(kv => kv.Value.Select(e => new AclBinding(kv.Key, e))).Where(filter.Matches).ToList();

    public async Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct)
    {
        foreach (var group in bindings.GroupBy(b => b.Pattern))
        {
            var added = group.Select(b => b.Entry).ToList();
            IReadOnlyList<AclEntry> after = [];
            await store.UpdateAclsAsync(group.Key, current => after = current.Concat(added).Distinct().ToList(), ct).ConfigureAwait(false);
            cache.Apply(group.Key, after.ToList());
            LogAdded(group.Key.ToString(), string.Join(", ", added));
        }
    }

    public async Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct)
    {
        var removed = new List<AclBinding>();
        foreach (var pattern in cache.Snapshot.Keys.Where(filter.MatchesPattern).ToList())
        {
            IReadOnlyList<AclEntry> after = [];
            var before = await store.UpdateAclsAsync(pattern,
                current => after = current.Where(e => !filter.MatchesEntry(e)).ToList(), ct).ConfigureAwait(false);
            removed.AddRange(before.Where(filter.MatchesEntry).Select(e => new AclBinding(pattern, e)));
            cache.Apply(pattern, after.ToList());
            if (removed.Count > 0) LogRemoved(pattern.ToString(), string.Join(", ", before.Where(filter.MatchesEntry)));
        }

        return removed;
    }

    [LoggerMessage(3610, LogLevel.Information, "Added ACLs for resource `{Resource}`: {Entries}")]
    private partial void LogAdded(string resource, string entries);

    [LoggerMessage(3611, LogLevel.Information, "Removed ACLs from resource `{Resource}`: {Entries}")]
    private partial void LogRemoved(string resource, string entries);
}
