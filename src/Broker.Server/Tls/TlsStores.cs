using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Server.Configuration;

namespace Broker.Server.Tls;

/// <summary>
/// Loads Kafka's key and trust stores: PKCS12 files, PEM files or inline PEM. JKS, which .NET cannot read, is read as
/// PKCS12 when the file is one (Java does the same since JDK 9) and refused with the conversion command otherwise.
/// </summary>
internal static class TlsStores
{
    private static ReadOnlySpan<byte> JksMagic => [0xFE, 0xED, 0xFE, 0xED];

    /// <summary>The broker's certificate, key and chain; null when neither a location nor an inline key is set.</summary>
    public static SslStreamCertificateContext? LoadKeyStore(BrokerConfig config)
    {
        string type = (string)config.Get("ssl.keystore.type")!;
        string? location = (string?)config.Get("ssl.keystore.location");
        string? inlineKey = Secret(config, "ssl.keystore.key");
        string? keyPassword = Secret(config, "ssl.key.password");
        if (inlineKey is not null)
        {
            if (type != "PEM") throw Bad(config, "ssl.keystore.key", "needs ssl.keystore.type=PEM");
            string chain = Secret(config, "ssl.keystore.certificate.chain")
                ?? throw Bad(config, "ssl.keystore.key", "needs ssl.keystore.certificate.chain (the certificate in PEM)");
            return Attempt(config, "ssl.keystore.key", () => FromPem(chain, inlineKey, keyPassword));
        }

        if (location is null) return null;
        return Attempt(config, "ssl.keystore.location", () =>
        {
            if (type == "PEM")
            {
                string text = File.ReadAllText(location);
                return FromPem(text, text, keyPassword);
            }

            var all = LoadPkcs12(config, "ssl.keystore.location", location, Secret(config, "ssl.keystore.password"));
            var leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw new CryptographicException("the key store holds no private key");
            all.Remove(leaf);
            return SslStreamCertificateContext.Create(leaf, all, offline: true);
        });
    }

    /// <summary>The trusted CA certificates; null (the system's CAs) when no trust store is set.</summary>
    public static X509Certificate2Collection? LoadTrustStore(BrokerConfig config)
    {
        string type = (string)config.Get("ssl.truststore.type")!;
        string? location = (string?)config.Get("ssl.truststore.location");
        if (Secret(config, "ssl.truststore.certificates") is { } inline)
        {
            if (type != "PEM") throw Bad(config, "ssl.truststore.certificates", "needs ssl.truststore.type=PEM");
            return Attempt(config, "ssl.truststore.certificates", () => Pem(inline));
        }

        if (location is null) return null;
        return Attempt(config, "ssl.truststore.location", () => type == "PEM"
            ? Pem(File.ReadAllText(location))
            : LoadPkcs12(config, "ssl.truststore.location", location, Secret(config, "ssl.truststore.password")));
    }

    private static X509Certificate2Collection Pem(string text)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(text);
        if (certificates.Count == 0) throw new CryptographicException("no PEM certificate found");
        return certificates;
    }

    private static SslStreamCertificateContext FromPem(string certificates, string key, string? password)
    {
        var leaf = password is null ? X509Certificate2.CreateFromPem(certificates, key) : X509Certificate2.CreateFromEncryptedPem(certificates, key, password);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificates);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
            if (c.Thumbprint != leaf.Thumbprint) intermediates.Add(c);
        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    private static X509Certificate2Collection LoadPkcs12(BrokerConfig config, string key, string path, string? password)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith(JksMagic))
        {
            throw Bad(config, key,
                $"is a JKS file, which this broker cannot read; convert it with: keytool -importkeystore -srckeystore {path} " +
                $"-destkeystore {Path.ChangeExtension(path, ".p12")} -deststoretype PKCS12, then set the type to PKCS12");
        }

        return X509CertificateLoader.LoadPkcs12Collection(bytes, password, X509KeyStorageFlags.EphemeralKeySet);
    }

    private static T Attempt<T>(BrokerConfig config, string key, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw Bad(config, key, "cannot be loaded: " + e.Message.TrimEnd('.'));
        }
    }

    private static string? Secret(BrokerConfig config, string key) => config.Get(key) switch
    {
        PasswordValue p => p.Value,
        string s => s,
        _ => null,
    };

    private static ConfigException Bad(BrokerConfig config, string key, string reason) =>
        new(config.Source(key), key, config.GetString(key), reason);
}
