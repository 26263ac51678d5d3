using Broker.Coordination.Acls;
using Broker.Protocol;

namespace Broker.Server.Handlers;

/// <summary>What the ACL APIs answer when a binding is not acceptable, in Kafka's words. Pure functions.</summary>
internal static class AclApiErrors
{
    public static string Message(ErrorCode error) => error == ErrorCode.SecurityDisabled
        ? "No Authorizer is configured on the broker"
        : error.Message();

    /// <summary>Why <paramref name="b"/> cannot be stored, or null (Kafka's AclApis / AclAuthorizer validation).</summary>
    public static string? Invalid(AclBinding b)
    {
        var p = b.Pattern;
        var e = b.Entry;
        if (p.Type is AclResourceType.Any or AclResourceType.Unknown || !Enum.IsDefined(p.Type)) return $"Invalid resource type {p.Type}";
        if (p.PatternType is not (AclPatternType.Literal or AclPatternType.Prefixed)) return $"Invalid resource pattern type {p.PatternType}";
        if (string.IsNullOrEmpty(p.Name)) return "Invalid empty resource name specified";
        if (p.Type == AclResourceType.Cluster && p.Name != ResourcePattern.ClusterName)
            return $"The only valid name for the CLUSTER resource is {ResourcePattern.ClusterName}";
        int colon = e.Principal.IndexOf(':');
        if (colon <= 0 || colon == e.Principal.Length - 1)
            return $"Could not parse principal from `{e.Principal}` (no colon is present separating the principal type from the principal name)";
        if (string.IsNullOrEmpty(e.Host)) return "Invalid empty host specified";
        if (e.Operation is AclOperation.Any or AclOperation.Unknown || !Enum.IsDefined(e.Operation)) return $"Invalid operation {e.Operation}";
        if (e.Permission is AclPermission.Any or AclPermission.Unknown || !Enum.IsDefined(e.Permission)) return $"Invalid permission type {e.Permission}";
        return null;
    }
}
