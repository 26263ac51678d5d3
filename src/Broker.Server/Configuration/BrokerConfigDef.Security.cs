using System.Net.Security;
using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    /// <summary>The TLS versions .NET on Linux (OpenSSL 3) can negotiate; TLSv1 and TLSv1.1 are disabled there.</summary>
    public static IReadOnlyList<string> TlsProtocols => ["TLSv1.2", "TLSv1.3"];


    /// <summary>The authorizer class names served: Kafka's ZooKeeper-mode ACL authorizer (current and pre-2.4 name).</summary>
    public static IReadOnlyList<string> ServedAuthorizers => ["kafka.security.authorizer.AclAuthorizer", "kafka.security.auth.SimpleAclAuthorizer"];

    private static IEnumerable<ConfigKey> Security() =>
    [
        Str("ssl.keystore.type", "JKS", OneOf("JKS", "PKCS12", "PEM"), Medium,
            "Format of the key store: PKCS12 or PEM. JKS (Kafka's default) is read when the file is in fact PKCS12 " +
            "(as Java does); a real JKS file is refused with the keytool command that converts it."),
        Str("ssl.keystore.location", null, null, High,
            "Path of the key store holding this broker's certificate and private key (SSL and SASL_SSL listeners, and " +
            "the broker's client certificate towards other brokers). For PEM, one file with the private key (PKCS#8, " +
            "encrypted with ssl.key.password or not) and the certificate chain."),
        Password("ssl.keystore.password", High,
            "Password of the key store (PKCS12)."),
        Password("ssl.key.password", High,
            "Password of the private key: for PEM, the password of an encrypted PKCS#8 key."),
        Password("ssl.keystore.key", High,
            "The private key in PEM (PKCS#8), inline, instead of ssl.keystore.location (ssl.keystore.type=PEM)."),
        Password("ssl.keystore.certificate.chain", High,
            "The certificate chain in PEM, inline, with ssl.keystore.key (ssl.keystore.type=PEM)."),
        Str("ssl.truststore.type", "JKS", OneOf("JKS", "PKCS12", "PEM"), Medium,
            "Format of the trust store: PKCS12 or PEM (JKS as for ssl.keystore.type)."),
        Str("ssl.truststore.location", null, null, High,
            "Path of the trust store: the CA certificates that client certificates (ssl.client.auth) and other brokers' " +
            "certificates (SSL inter-broker listener) must chain to. Unset means the system's trusted CAs."),
        Password("ssl.truststore.password", High,
            "Password of the trust store (PKCS12)."),
        Password("ssl.truststore.certificates", High,
            "Trusted CA certificates in PEM, inline, instead of ssl.truststore.location (ssl.truststore.type=PEM)."),
        Str("ssl.client.auth", "none", OneOf("required", "requested", "none"), Medium,
            "Whether SSL clients must (required), may (requested) or need not (none) present a certificate. A presented " +
            "certificate must chain to the trust store; its subject becomes the connection's principal (User:CN=...)."),
        List("ssl.enabled.protocols", "TLSv1.2,TLSv1.3", TlsProtocolList, Medium,
            "TLS versions accepted on SSL listeners and used towards other brokers."),
        Str("ssl.protocol", "TLSv1.3", OneOf("TLSv1.2", "TLSv1.3", "TLS"), Medium,
            "Kafka's SSLContext protocol; the versions actually negotiated are ssl.enabled.protocols."),
        List("ssl.cipher.suites", "", CipherSuiteList, Low,
            "Cipher suites allowed, by their IANA names (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); empty means the " +
            "system's defaults. A name OpenSSL on this machine does not know is refused at start-up."),
        Str("ssl.endpoint.identification.algorithm", "https", OneOf("https", ""), Low,
            "https: when connecting to another broker over SSL, its certificate must name the host connected to. " +
            "Empty turns the host name check off."),
        Str("ssl.principal.mapping.rules", "DEFAULT", null, Low,
            "How a client certificate's subject becomes a principal. Only DEFAULT is served: the subject's distinguished " +
            "name as Kafka prints it (User:CN=client,OU=eng,O=org,C=US).") with
        {
            RefusedReason = "only DEFAULT is served (the principal is the certificate's subject DN); other rules would be ignored",
        },
        List("sasl.enabled.mechanisms", "GSSAPI", null, Medium,
            "SASL mechanisms offered to clients, comma-separated."),
        Str("sasl.mechanism.inter.broker.protocol", "GSSAPI", NonEmpty, Medium,
            "SASL mechanism used between brokers."),
        Str("authorizer.class.name", "", AuthorizerClass, High,
            "The authorizer; empty means none (every client may do everything). kafka.security.authorizer.AclAuthorizer " +
            "(or its old name kafka.security.auth.SimpleAclAuthorizer): ACLs stored in ZooKeeper as Kafka stores them " +
            "(needs zookeeper.connect); any other class is refused."),
        Str("super.users", null, null, Medium,
            "Principals allowed everything by the authorizer, semicolon-separated (User:admin;User:broker). The brokers' " +
            "own principal must be one (or have ClusterAction on the cluster) for replication and the controller's requests."),
        Bool("allow.everyone.if.no.acl.found", "false", Medium,
            "Whether the authorizer allows access to a resource that has no ACL."),
        Str("principal.builder.class", null, null, Low,
            "Class that builds principals from TLS or SASL sessions.") with
        {
            RefusedReason = "only the default principal builder is served; a custom class would be ignored",
        },
    ];

    /// <summary>
    /// Prefixes of Kafka security settings absent from this table (per-listener overrides, ZooKeeper TLS and SASL,
    /// delegation tokens...). Such a key is refused instead of being ignored with a warning like other unknown keys.
    /// </summary>
    private static readonly string[] SecurityPrefixes =
        ["ssl.", "sasl.", "listener.name.", "zookeeper.ssl.", "zookeeper.sasl.", "zookeeper.clientCnxnSocket", "authorizer.",
         "delegation.token.", "security.", "password.encoder."];

    /// <summary>Why an unknown key is refused rather than ignored, or null when it is not a security setting.</summary>
    public static string? UnservedSecurityReason(string key)
    {
        if (key.StartsWith("zookeeper.ssl.", StringComparison.Ordinal) || key.StartsWith("zookeeper.clientCnxnSocket", StringComparison.Ordinal))
            return "TLS to ZooKeeper is not served (the broker's ZooKeeper client speaks plaintext only), so the " +
                   "setting would be ignored; authenticate to ZooKeeper with SASL DIGEST-MD5 instead (a JAAS Client section, see docs/security.md)";
        if (key.StartsWith("listener.name.", StringComparison.Ordinal))
            return "per-listener settings (listener.name.<listener>.*) are not served; the setting would be ignored " +
                   "(set the ssl.* keys without the prefix; they apply to every SSL listener)";
        return SecurityPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal))
            ? "is a security setting this broker does not serve; it would be ignored, so the broker does not start (remove it)"
            : null;
    }

    private static ConfigValidator AuthorizerClass =>
        Custom($"empty or {string.Join(" or ", ServedAuthorizers)}", v =>
            (string)v is "" || ServedAuthorizers.Contains((string)v) ? null
                : $"is refused: only Kafka's ZooKeeper ACL authorizer ({ServedAuthorizers[0]}) is served; another authorizer would be ignored");

    private static ConfigValidator TlsProtocolList =>
        Custom(string.Join(", ", TlsProtocols), v =>
        {
            var list = (IReadOnlyList<string>)v;
            if (list.Count == 0) return "must name at least one TLS version";
            var bad = list.FirstOrDefault(p => !TlsProtocols.Contains(p));
            return bad is null ? null
                : $"is invalid: {bad} is not served (use {string.Join(" or ", TlsProtocols)}; TLSv1 and TLSv1.1 are disabled by OpenSSL on Linux)";
        });

    private static ConfigValidator CipherSuiteList =>
        Custom("IANA cipher suite names, comma-separated", v =>
        {
            foreach (var name in (IReadOnlyList<string>)v)
                if (!Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out _))
                    return $"is invalid: {name} is not a cipher suite .NET knows (use IANA names, e.g. TLS_AES_128_GCM_SHA256)";
            return null;
        });
}
