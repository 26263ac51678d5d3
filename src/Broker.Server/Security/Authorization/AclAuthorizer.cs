using System.Collections.Immutable;
using Broker.Coordination.Acls;

namespace Broker.Server.Security.Authorization;

/// <summary>
/// Kafka's AclAuthorizer rules over a snapshot of the ACLs (the ZooKeeper cache on a broker, a fixed map in tests):
/// <list type="bullet">
/// <item>a super user (<c>super.users</c>) may do everything;</item>
/// <item>the ACLs that apply to a resource are those of its literal pattern, of the literal wildcard "*" of its type
/// and of every prefixed pattern that is a prefix of its name;</item>
/// <item>none apply: <c>allow.everyone.if.no.acl.found</c> decides;</item>
/// <item>an entry matches when its principal is the caller's or <c>User:*</c>, its host the caller's address or "*",
/// and its operation the one asked or All;</item>
/// <item>a matching Deny wins; else a matching Allow allows, where Allow of Read, Write, Delete or Alter also allows
/// Describe and Allow of AlterConfigs also allows DescribeConfigs; else denied.</item>
/// </list>
/// Thread-safe: reads one immutable snapshot per decision.
/// </summary>
public sealed class AclAuthorizer(Func<ImmutableDictionary<ResourcePattern, ImmutableArray<AclEntry>>> acls,
    IReadOnlySet<string> superUsers, bool allowEveryoneIfNoAclFound) : IAuthorizer
{
    /// <summary>The class names accepted in <c>authorizer.class.name</c> (Kafka's ZooKeeper-mode authorizer, old and new package).</summary>
    public static readonly IReadOnlySet<string> KafkaClassNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "kafka.security.authorizer.AclAuthorizer",
        "kafka.security.auth.SimpleAclAuthorizer",
    };

    public bool Enabled => true;

    public bool IsSuperUser(string principal) => superUsers.Contains(principal);

    public bool Authorize(string principal, string host, AclOperation operation, AclResourceType type, string name)
    {
        if (IsSuperUser(principal)) return true;
        var applying = Applying(acls(), type, name);
        if (applying.Count == 0) return allowEveryoneIfNoAclFound;
        if (applying.Any(e => e.Permission == AclPermission.Deny && Matches(e, principal, host, operation))) return false;
        return ImpliedBy(operation).Any(op => applying.Any(e => e.Permission == AclPermission.Allow && Matches(e, principal, host, op)));
    }

    /// <summary>
    /// Kafka's AclAuthorizer.authorizeByResourceType: a literal Deny of "*" denies; then allow.everyone.if.no.acl.found
    /// allows; then some Allow (literal or prefixed) must exist whose resource is not denied by a literal Deny of the
    /// same name or a prefixed Deny that covers it. Only the operation itself and All count (no implication).
    /// </summary>
    public bool AuthorizeAny(string principal, string host, AclOperation operation, AclResourceType type)
    {
        if (IsSuperUser(principal)) return true;
        var snapshot = acls();
        List<string> Names(AclPermission permission, AclPatternType patternType) => snapshot
            .Where(kv => kv.Key.Type == type && kv.Key.PatternType == patternType
                && kv.Value.Any(e => e.Permission == permission && Matches(e, principal, host, operation)))
            .Select(kv => kv.Key.Name).ToList();

        var denyLiterals = Names(AclPermission.Deny, AclPatternType.Literal);
        if (denyLiterals.Contains(ResourcePattern.Wildcard)) return false;
        if (allowEveryoneIfNoAclFound) return true;
        var denyPrefixes = Names(AclPermission.Deny, AclPatternType.Prefixed);
        var allowLiterals = Names(AclPermission.Allow, AclPatternType.Literal);
        var allowPrefixes = Names(AclPermission.Allow, AclPatternType.Prefixed);
        bool DeniedByPrefix(string name) => denyPrefixes.Any(d => name.StartsWith(d, StringComparison.Ordinal));
        return allowPrefixes.Any(p => !DeniedByPrefix(p))
            || allowLiterals.Any(l => !denyLiterals.Contains(l) && !DeniedByPrefix(l));
    }

    private static List<AclEntry> Applying(ImmutableDictionary<ResourcePattern, ImmutableArray<AclEntry>> snapshot, AclResourceType type, string name)
    {
        var list = new List<AclEntry>();
        if (snapshot.TryGetValue(new ResourcePattern(type, name, AclPatternType.Literal), out var literal)) list.AddRange(literal);
        if (name != ResourcePattern.Wildcard && snapshot.TryGetValue(new ResourcePattern(type, ResourcePattern.Wildcard, AclPatternType.Literal), out var wildcard))
            list.AddRange(wildcard);
        foreach (var (pattern, entries) in snapshot)
            if (pattern.Type == type && pattern.PatternType == AclPatternType.Prefixed && name.StartsWith(pattern.Name, StringComparison.Ordinal))
                list.AddRange(entries);
        return list;
    }

    private static bool Matches(AclEntry e, string principal, string host, AclOperation operation) =>
        (e.Principal == principal || e.Principal == AclEntry.WildcardPrincipal)
        && (e.Host == host || e.Host == AclEntry.WildcardHost)
        && (e.Operation == operation || e.Operation == AclOperation.All);

    private static AclOperation[] ImpliedBy(AclOperation operation) => operation switch
    {
        AclOperation.Describe => [AclOperation.Describe, AclOperation.Read, AclOperation.Write, AclOperation.Delete, AclOperation.Alter],
        AclOperation.DescribeConfigs => [AclOperation.DescribeConfigs, AclOperation.AlterConfigs],
        _ => [operation],
    };
}
