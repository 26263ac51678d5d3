using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Broker.Network;
using Broker.Server.Configuration;

namespace Broker.Server.Tls;

/// <summary>
/// The broker's TLS material, loaded once per configuration from the <c>ssl.*</c> settings: what SSL listeners
/// present and accept (<see cref="Server"/>), and how this broker connects to others when the inter-broker listener
/// uses TLS (<see cref="ClientOptions"/>: the trust store, and the key store's certificate for mutual TLS).
/// A file that cannot be read, a wrong password or a JKS file stops start-up with a <see cref="ConfigException"/>
/// naming the setting. Immutable and thread-safe once built.
/// </summary>
public sealed class TlsContext
{
    private static readonly ConditionalWeakTable<BrokerConfig, TlsContext> Cache = [];

    private readonly SslProtocols _protocols;
    private readonly CipherSuitesPolicy? _cipherSuites;
    private readonly bool _checkHostName;

    private TlsContext(BrokerConfig config)
    {
        _protocols = ((IReadOnlyList<string>)config.Get("ssl.enabled.protocols")!)
            .Aggregate(SslProtocols.None, (all, p) => all | (p == "TLSv1.3" ? SslProtocols.Tls13 : SslProtocols.Tls12));
        var suites = (IReadOnlyList<string>)config.Get("ssl.cipher.suites")!;
        _cipherSuites = suites.Count == 0 ? null : CipherSuites(config, suites);
        _checkHostName = (string?)config.Get("ssl.endpoint.identification.algorithm") is "https";
        TrustedRoots = TlsStores.LoadTrustStore(config);
        var certificate = TlsStores.LoadKeyStore(config);
        if (certificate is not null)
        {
            Server = new TlsServerOptions
            {
                Certificate = certificate,
                ClientAuth = (string)config.Get("ssl.client.auth")! switch
                {
                    "required" => TlsClientAuth.Required,
                    "requested" => TlsClientAuth.Requested,
                    _ => TlsClientAuth.None,
                },
                TrustedRoots = TrustedRoots,
                Protocols = _protocols,
                CipherSuites = _cipherSuites,
            };
        }

        foreach (var listener in config.Listeners)
        {
            if (Uses(config, listener.ListenerName) && Server is null)
            {
                throw new ConfigException(config.Source("listeners"), "listeners", config.GetString("listeners"),
                    $"is invalid: listener {listener.ListenerName} uses {config.ListenerSecurityProtocolMap[listener.ListenerName]} " +
                    "and needs this broker's certificate: set ssl.keystore.location (or ssl.keystore.key with ssl.keystore.certificate.chain)");
            }
        }

        InterBrokerUsesTls = Uses(config, config.InterBrokerListenerName);
    }

    /// <summary>The context of <paramref name="config"/>, loaded at the first call.</summary>
    /// <exception cref="ConfigException">A store cannot be loaded, or an SSL listener has no certificate.</exception>
    public static TlsContext Of(BrokerConfig config) => Cache.GetValue(config, c => new TlsContext(c));

    /// <summary>What SSL and SASL_SSL listeners present and accept; null when no key store is configured.</summary>
    public TlsServerOptions? Server { get; }

    /// <summary>CA certificates peers must chain to; null means the system's trusted CAs.</summary>
    public X509Certificate2Collection? TrustedRoots { get; }

    /// <summary>True when other brokers are reached over TLS (the inter-broker listener is SSL or SASL_SSL).</summary>
    public bool InterBrokerUsesTls { get; }

    /// <summary>
    /// Options for a TLS connection to another broker at <paramref name="host"/>: its certificate must chain to the trust
    /// store (and name <paramref name="host"/> with <c>ssl.endpoint.identification.algorithm=https</c>); this broker
    /// presents its own certificate, so a listener with <c>ssl.client.auth=required</c> accepts it.
    /// </summary>
    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _cipherSuites,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificateContext = Server?.Certificate,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is X509Certificate2 x509
            && TlsServerOptions.ChainsTo(x509, TrustedRoots, out _)
            && (!_checkHostName || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0),
    };

    private static bool Uses(BrokerConfig config, string listener) =>
        config.ListenerSecurityProtocolMap.TryGetValue(listener, out var p) && p is "SSL" or "SASL_SSL";

    private static CipherSuitesPolicy CipherSuites(BrokerConfig config, IReadOnlyList<string> names)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new ConfigException(config.Source("ssl.cipher.suites"), "ssl.cipher.suites", config.GetString("ssl.cipher.suites"),
                "cannot be honoured on Windows (SChannel takes no cipher suite list)");
        }

        try
        {
            return new CipherSuitesPolicy(names.Select(Enum.Parse<TlsCipherSuite>));
        }
        catch (PlatformNotSupportedException e)
        {
            throw new ConfigException(config.Source("ssl.cipher.suites"), "ssl.cipher.suites", config.GetString("ssl.cipher.suites"),
                "cannot be honoured on this platform: " + e.Message);
        }
    }
}
