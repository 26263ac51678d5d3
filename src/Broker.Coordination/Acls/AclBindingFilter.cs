namespace Broker.Coordination.Acls;

/// <summary>
/// A filter over ACL bindings (DescribeAcls, DeleteAcls): null strings and Any enums match everything. The pattern
/// type Match matches the literal pattern of the name, the literal wildcard "*" and every prefixed pattern that is a
/// prefix of the name (Kafka's ResourcePatternFilter). Immutable.
/// </summary>
public sealed record AclBindingFilter(
    AclResourceType ResourceType, string? ResourceName, AclPatternType PatternType,
    string? Principal, string? Host, AclOperation Operation, AclPermission Permission)
{
    public static readonly AclBindingFilter Any = new(AclResourceType.Any, null, AclPatternType.Any, null, null, AclOperation.Any, AclPermission.Any);

    /// <summary>Why the filter cannot match anything (Kafka's findIndefiniteField), or null when it is valid.</summary>
    public string? Invalid =>
        ResourceType == AclResourceType.Unknown ? "Resource type is UNKNOWN."
        : PatternType == AclPatternType.Unknown ? "Resource pattern type is UNKNOWN."
        : Operation == AclOperation.Unknown ? "Operation is UNKNOWN."
        : Permission == AclPermission.Unknown ? "Permission type is UNKNOWN."
        : null;

    public bool Matches(AclBinding binding) => MatchesPattern(binding.Pattern) && MatchesEntry(binding.Entry);

    public bool MatchesPattern(ResourcePattern p)
    {
        if (ResourceType != AclResourceType.Any && ResourceType != p.Type) return false;
        switch (PatternType)
        {
            case AclPatternType.Any:
                return ResourceName is null || ResourceName == p.Name;
            case AclPatternType.Match:
                if (ResourceName is null) return true;
                return p.PatternType switch
                {
                    AclPatternType.Literal => p.Name == ResourceName || p.Name == ResourcePattern.Wildcard,
                    AclPatternType.Prefixed => ResourceName.StartsWith(p.Name, StringComparison.Ordinal),
                    _ => false,
                };
            default:
                return PatternType == p.PatternType && (ResourceName is null || ResourceName == p.Name);
        }
    }

    public bool MatchesEntry(AclEntry e) =>
        (Principal is null || Principal == e.Principal)
        && (Host is null || Host == e.Host)
        && (Operation == AclOperation.Any || Operation == e.Operation)
        && (Permission == AclPermission.Any || Permission == e.Permission);
}
