using Broker.Coordination.Acls;

namespace Broker.Server.Security.Authorization;

/// <summary>
/// Decides whether a principal connected from a host may perform an operation on a resource. Thread-safe; called on
/// the request path, so lookups must not block.
/// </summary>
public interface IAuthorizer
{
    /// <summary>False when no authorizer is configured: everything is allowed and handlers skip their checks.</summary>
    bool Enabled { get; }

    /// <summary>Kafka's Authorizer.authorize for one literal resource.</summary>
    bool Authorize(string principal, string host, AclOperation operation, AclResourceType type, string name);

    /// <summary>
    /// Kafka's authorizeByResourceType: whether the principal may perform the operation on at least one resource of the
    /// type (used by idempotent InitProducerId: Write on any topic).
    /// </summary>
    bool AuthorizeAny(string principal, string host, AclOperation operation, AclResourceType type);
}

/// <summary>No authorizer (authorizer.class.name empty): everything is allowed.</summary>
public sealed class AllowAllAuthorizer : IAuthorizer
{
    public static readonly AllowAllAuthorizer Instance = new();

    public bool Enabled => false;

    public bool Authorize(string principal, string host, AclOperation operation, AclResourceType type, string name) => true;

    public bool AuthorizeAny(string principal, string host, AclOperation operation, AclResourceType type) => true;
}
