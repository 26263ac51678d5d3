namespace Broker.Server.ControllerChannel;

/// <summary>Settings of the controller's request channel (immutable).</summary>
/// <param name="ControllerId">This broker's id (the controller id in every request).</param>
/// <param name="Listener">The inter-broker listener name: requests go to the target's endpoint on it.</param>
/// <param name="RequestTimeout">Connect and response timeout of one attempt (<c>controller.socket.timeout.ms</c>).</param>
/// <param name="RetryBackoff">First wait after a failed attempt; doubles up to <paramref name="MaxRetryBackoff"/>.</param>
public sealed record ControllerChannelOptions(int ControllerId, string Listener, TimeSpan RequestTimeout, TimeSpan RetryBackoff, TimeSpan MaxRetryBackoff)
{
    /// <summary>The broker's TLS context: requests go over TLS when the inter-broker listener uses it (null: plaintext).</summary>
    public Tls.TlsContext? Tls { get; init; }

    /// <summary>The controller's SASL credentials when the inter-broker listener is SASL; null otherwise.</summary>
    public Replication.InterBrokerSasl? Sasl { get; init; }
}
