namespace Broker.Coordination.Acls;

/// <summary>Kafka's ResourceType, with its wire codes (DescribeAcls/CreateAcls/DeleteAcls).</summary>
public enum AclResourceType : sbyte
{
    Unknown = 0, Any = 1, Topic = 2, Group = 3, Cluster = 4, TransactionalId = 5, DelegationToken = 6, User = 7,
}

/// <summary>Kafka's PatternType, with its wire codes. Any and Match exist only in filters.</summary>
public enum AclPatternType : sbyte
{
    Unknown = 0, Any = 1, Match = 2, Literal = 3, Prefixed = 4,
}

/// <summary>Kafka's AclOperation, with its wire codes. Any exists only in filters.</summary>
public enum AclOperation : sbyte
{
    Unknown = 0, Any = 1, All = 2, Read = 3, Write = 4, Create = 5, Delete = 6, Alter = 7, Describe = 8,
    ClusterAction = 9, DescribeConfigs = 10, AlterConfigs = 11, IdempotentWrite = 12, CreateTokens = 13, DescribeTokens = 14,
}

/// <summary>Kafka's AclPermissionType, with its wire codes. Any exists only in filters.</summary>
public enum AclPermission : sbyte
{
    Unknown = 0, Any = 1, Deny = 2, Allow = 3,
}

/// <summary>A resource pattern: a literal name (or "*", every resource of the type) or a name prefix. Immutable.</summary>
public sealed record ResourcePattern(AclResourceType Type, string Name, AclPatternType PatternType)
{
    /// <summary>The resource name that matches every resource of a type in a literal pattern.</summary>
    public const string Wildcard = "*";

    /// <summary>The one cluster resource's name.</summary>
    public const string ClusterName = "kafka-cluster";

    /// <summary>Kafka's ResourcePattern.toString, which kafka-acls prints.</summary>
    public override string ToString() =>
        $"ResourcePattern(resourceType={AclNames.Upper(Type)}, name={Name}, patternType={AclNames.Upper(PatternType)})";
}

/// <summary>One access control entry: who (principal "User:alice" or "User:*"), from where (an IP or "*"), what, allow/deny. Immutable.</summary>
public sealed record AclEntry(string Principal, string Host, AclOperation Operation, AclPermission Permission)
{
    /// <summary>The principal that matches every principal.</summary>
    public const string WildcardPrincipal = "User:*";

    /// <summary>The host that matches every host.</summary>
    public const string WildcardHost = "*";

    /// <summary>Kafka's AccessControlEntry.toString, which kafka-acls prints.</summary>
    public override string ToString() =>
        $"(principal={Principal}, host={Host}, operation={AclNames.Upper(Operation)}, permissionType={AclNames.Upper(Permission)})";
}

/// <summary>An entry bound to a resource pattern (Kafka's AclBinding).</summary>
public sealed record AclBinding(ResourcePattern Pattern, AclEntry Entry);
