namespace Broker.Server.Security.Sasl;

/// <summary>
/// The server side of one SASL authentication on one connection (Java's SaslServer). Fed the client's tokens in
/// order; not thread-safe (a connection serves one request at a time).
/// </summary>
public interface ISaslServerExchange
{
    /// <summary>The mechanism name (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).</summary>
    string Mechanism { get; }

    /// <summary>
    /// Evaluates one client token. Returns the server's token (possibly empty) and whether authentication is complete,
    /// or a failure: then the exchange is over and the connection must be answered with the error and closed.
    /// </summary>
    SaslStep Evaluate(ReadOnlySpan<byte> clientToken);
}

/// <summary>
/// The outcome of one SASL step. <see cref="Error"/> non-null: authentication failed (the message is safe to send to
/// the client: it never says whether the user exists). <see cref="UserName"/> is set once complete.
/// </summary>
public readonly record struct SaslStep(byte[] Response, bool Complete, string? UserName, string? Error)
{
    public static SaslStep Continue(byte[] response) => new(response, false, null, null);

    public static SaslStep Done(byte[] response, string user) => new(response, true, user, null);

    public static SaslStep Fail(string error) => new([], false, null, error);
}
