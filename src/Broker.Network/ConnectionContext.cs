using System.IO.Pipelines;
using System.Net;

namespace Broker.Network;

/// <summary>
/// One accepted connection as seen by the application: a duplex pipe plus identity. Thread-safety: the pipe ends
/// follow System.IO.Pipelines rules (one reader and one writer at a time); <see cref="Abort"/> may be called from any
/// thread.
/// </summary>
public abstract class ConnectionContext
{
    /// <summary>Process-unique id, used in every connection-scoped log line.</summary>
    public abstract long Id { get; }

    public abstract EndPoint? RemoteEndPoint { get; }

    public abstract EndPoint? LocalEndPoint { get; }

    /// <summary>Input carries bytes received from the peer; Output carries bytes to send.</summary>
    public abstract IDuplexPipe Transport { get; }

    /// <summary>Cancelled when the listener begins a graceful shutdown: finish the request in flight, then return.</summary>
    public abstract CancellationToken ShutdownRequested { get; }

    /// <summary>
    /// Cancelled as soon as the connection is gone: the peer closed its side (end of stream, reset) or the connection
    /// was aborted. Work done on the connection's behalf (a parked long poll, an acks=all wait) observes it so that a
    /// client that left releases its socket and memory at once instead of when the wait ends. Never cancelled by a
    /// graceful shutdown (see <see cref="ShutdownRequested"/>).
    /// </summary>
    public abstract CancellationToken Closed { get; }

    /// <summary>The listener the connection was accepted on (name and security protocol).</summary>
    public virtual ListenerInfo Listener => ListenerInfo.Plaintext;

    /// <summary>
    /// Who the peer is, in Kafka's form (<c>User:ANONYMOUS</c> until a TLS client certificate or a SASL exchange
    /// says otherwise, e.g. <c>User:CN=client,OU=eng</c>). Set by the transport during the TLS handshake or by the
    /// SASL layer once authenticated, before requests that depend on it are served; readable from any thread.
    /// </summary>
    public string Principal
    {
        get => Volatile.Read(ref _principal);
        set => Volatile.Write(ref _principal, value ?? throw new ArgumentNullException(nameof(value)));
    }

    private string _principal = AnonymousPrincipal;

    /// <summary>Kafka's principal of an unauthenticated connection.</summary>
    public const string AnonymousPrincipal = "User:ANONYMOUS";

    /// <summary>Closes the socket at once; pending reads complete.</summary>
    public abstract void Abort(string reason);

    /// <summary>Remote address and port as a short string for logs ("127.0.0.1:51234").</summary>
    public string RemoteDisplay => RemoteEndPoint?.ToString() ?? "unknown";
}
