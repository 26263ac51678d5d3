using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Network;

/// <summary>Whether a TLS listener asks clients for a certificate (Kafka's <c>ssl.client.auth</c>).</summary>
public enum TlsClientAuth
{
    None,
    Requested,
    Required,
}

/// <summary>
/// What a TLS listener presents and accepts. Immutable once built; shared by every connection of the listener.
/// </summary>
public sealed class TlsServerOptions
{
    /// <summary>The listener's certificate with its private key and intermediate chain.</summary>
    public required SslStreamCertificateContext Certificate { get; init; }

    public TlsClientAuth ClientAuth { get; init; } = TlsClientAuth.None;

    /// <summary>CA certificates client certificates must chain to; null means the system's trusted CAs.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Allowed cipher suites; null means the system's defaults.</summary>
    public CipherSuitesPolicy? CipherSuites { get; init; }

    /// <summary>Longest a client may take to complete the handshake; a connection still handshaking after it is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal SslServerAuthenticationOptions ToSslOptions() => new()
    {
        ServerCertificateContext = Certificate,
        ClientCertificateRequired = ClientAuth != TlsClientAuth.None,
        EnabledSslProtocols = Protocols,
        CipherSuitesPolicy = CipherSuites,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => Accept(certificate as X509Certificate2),
    };

    private bool Accept(X509Certificate2? certificate) =>
        certificate is null ? ClientAuth != TlsClientAuth.Required : ChainsTo(certificate, TrustedRoots, out _);

    /// <summary>
    /// True when <paramref name="certificate"/> is valid now and chains to <paramref name="roots"/> (the system's CAs when
    /// null); otherwise <paramref name="reason"/> says why (expired, untrusted root...).
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection? roots, out string reason)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (roots is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        }

        bool ok = chain.Build(certificate);
        reason = ok ? string.Empty : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
        return ok;
    }
}
