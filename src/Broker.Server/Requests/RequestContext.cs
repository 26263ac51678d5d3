using System.Net;
using Broker.Coordination.Acls;
using Broker.Network;
using Broker.Protocol.Framing;
using Broker.Server.Security.Authorization;

namespace Broker.Server.Requests;

/// <summary>
/// Everything a handler may know about the request besides its body: header, connection identity and the
/// connection's cancellation (set when the peer is gone or the broker is stopping). One instance per request;
/// not shared between threads.
/// </summary>
public sealed class RequestContext
{
    public RequestContext(RequestHeader header, long connectionId, EndPoint? remote, CancellationToken aborted, CancellationToken connectionClosed = default)
    {
        Header = header;
        ConnectionId = connectionId;
        Remote = remote;
        Aborted = aborted;
        ConnectionClosed = connectionClosed;
    }

    public RequestHeader Header { get; }

    /// <summary>The listener the request arrived on: Metadata and FindCoordinator answer with its endpoints.</summary>
    public ListenerInfo Listener { get; init; } = ListenerInfo.Plaintext;

    /// <summary>The connection the request arrived on (null in unit tests that build a context by hand).</summary>
    public ConnectionContext? Connection { get; init; }

    /// <summary>The peer's principal (<see cref="ConnectionContext.Principal"/>), <c>User:ANONYMOUS</c> when unknown.</summary>
    public string Principal => Connection?.Principal ?? ConnectionContext.AnonymousPrincipal;

    /// <summary>The broker's authorizer (<see cref="AllowAllAuthorizer"/> when none is configured).</summary>
    public IAuthorizer Authorizer { get; init; } = AllowAllAuthorizer.Instance;

    /// <summary>The client's address as the authorizer matches ACL hosts: "127.0.0.1" (Kafka's getHostAddress).</summary>
    public string ClientAddress => Remote is IPEndPoint ip
        ? (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString()
        : "unknown";

    /// <summary>Whether this request's principal may perform <paramref name="operation"/> on the named resource.</summary>
    public bool IsAllowed(AclOperation operation, AclResourceType type, string name) =>
        !Authorizer.Enabled || Authorizer.Authorize(Principal, ClientAddress, operation, type, name);

    /// <summary>Whether this request's principal may perform <paramref name="operation"/> on the cluster.</summary>
    public bool IsAllowedOnCluster(AclOperation operation) => IsAllowed(operation, AclResourceType.Cluster, ResourcePattern.ClusterName);

    public short ApiVersion => Header.ApiVersion;

    public string ClientId => Header.ClientId;

    public long ConnectionId { get; }

    public EndPoint? Remote { get; }

    /// <summary>The client's address as Kafka prints it in group descriptions: "/127.0.0.1".</summary>
    public string ClientHost => Remote is IPEndPoint ip ? "/" + ip.Address : "/unknown";

    /// <summary>Cancelled when the client left or the broker is stopping: stop waiting (a long poll answers now).</summary>
    public CancellationToken Aborted { get; }

    /// <summary>
    /// Cancelled only when the client left (or the connection was aborted, e.g. at the end of the shutdown drain). Waits
    /// whose answer matters to a client still there (acks=all) observe this one, so a graceful shutdown still answers
    /// them during the drain instead of provoking a retry.
    /// </summary>
    public CancellationToken ConnectionClosed { get; }
}
