namespace Broker.Network;

/// <summary>
/// The listener a connection arrived on: its name (from <c>listeners</c>, e.g. INTERNAL) and its security protocol
/// (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, from <c>listener.security.protocol.map</c>). Immutable.
/// </summary>
public sealed record ListenerInfo(string Name, string SecurityProtocol)
{
    /// <summary>The listener of connections made outside a named listener (tests, in-memory transports).</summary>
    public static ListenerInfo Plaintext { get; } = new("PLAINTEXT", "PLAINTEXT");

    /// <summary>True for SSL and SASL_SSL: bytes on the socket are TLS records.</summary>
    public bool UsesTls => SecurityProtocol is "SSL" or "SASL_SSL";

    /// <summary>True for SASL_PLAINTEXT and SASL_SSL: a client must authenticate before any other request.</summary>
    public bool UsesSasl => SecurityProtocol is "SASL_PLAINTEXT" or "SASL_SSL";

    public override string ToString() => $"{Name} ({SecurityProtocol})";
}
