namespace Broker.Server.Configuration;

public sealed partial class BrokerConfig
{
    /// <summary>True when an authorizer is configured (authorizer.class.name is Kafka's ACL authorizer).</summary>
    public bool AuthorizerEnabled => !string.IsNullOrWhiteSpace((string?)Get("authorizer.class.name"));

    /// <summary>super.users: principals ("User:admin"), semicolon-separated, blanks trimmed.</summary>
    public IReadOnlySet<string> SuperUsers => ((string?)Get("super.users") ?? "")
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public bool AllowEveryoneIfNoAclFound => Value<bool>("allow.everyone.if.no.acl.found");

    /// <summary>The ACL authorizer keeps its ACLs in ZooKeeper (Kafka's AclAuthorizer needs zookeeper.connect too).</summary>
    private void ValidateAuthorizer()
    {
        if (AuthorizerEnabled && Setting("zookeeper.connect").Value is null)
            throw Invalid(Setting("authorizer.class.name"),
                "needs zookeeper.connect: the ACLs live in ZooKeeper (/kafka-acl), as with Kafka's AclAuthorizer");
        foreach (var user in SuperUsers.Where(u => u.IndexOf(':') <= 0))
            throw Invalid(Setting("super.users"), $"names '{user}', which is not a principal (Type:name, e.g. User:{user})");
    }
}
