using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Broker.Cli.Clients;

/// <summary>A Java client property the tools cannot use; the message is one line for stderr.</summary>
internal sealed class ClientPropertyException(string message) : Exception(message);

/// <summary>
/// Translates Kafka's Java client security properties (<c>--command-config</c>, <c>--producer.config</c>...) into
/// librdkafka's: <c>security.protocol</c>; trust stores (PEM file → ssl.ca.location, PKCS12 → ssl.ca.pem, inline PEM →
/// ssl.ca.pem); key stores (PKCS12 → ssl.keystore.location, PEM file → ssl.key.location + ssl.certificate.location,
/// inline PEM → ssl.key.pem + ssl.certificate.pem); <c>ssl.endpoint.identification.algorithm</c>; <c>sasl.mechanism</c>
/// and the username/password of a PlainLoginModule or ScramLoginModule <c>sasl.jaas.config</c>. A JKS store (which
/// librdkafka cannot read) or any other security property librdkafka would not honour raises
/// <see cref="ClientPropertyException"/>: a tool never connects with less security than its configuration asked for.
/// Shared by Broker.Cli and Broker.Perf (linked file). Pure apart from reading the store files.
/// </summary>
internal static partial class JavaSecuritySettings
{
    /// <summary>Security keys librdkafka takes under the same name with the same meaning.</summary>
    private static readonly HashSet<string> SameInLibrdkafka = new(StringComparer.Ordinal)
    {
        "ssl.key.password", "ssl.key.location", "ssl.key.pem", "ssl.certificate.location", "ssl.certificate.pem", "ssl.ca.location",
        "ssl.ca.pem", "ssl.keystore.location", "ssl.keystore.password", "ssl.crl.location", "enable.ssl.certificate.verification",
        "sasl.mechanisms", "sasl.username", "sasl.password", "ssl.curves.list", "ssl.sigalgs.list",
    };

    private static ReadOnlySpan<byte> JksMagic => [0xFE, 0xED, 0xFE, 0xED];

    /// <summary>Rewrites the security properties of <paramref name="settings"/> in place.</summary>
    /// <exception cref="ClientPropertyException">A property cannot be used.</exception>
    public static void Translate(Dictionary<string, string> settings)
    {
        var java = settings.Where(kv => IsSecurityKey(kv.Key)).ToDictionary(StringComparer.Ordinal);
        foreach (var key in java.Keys) settings.Remove(key);
        string? Take(string key) => java.Remove(key, out var v) ? v : null;

        if (Take("security.protocol") is { } protocol)
        {
            string p = protocol.Trim().ToUpperInvariant();
            if (p is not ("PLAINTEXT" or "SSL" or "SASL_PLAINTEXT" or "SASL_SSL"))
                throw new ClientPropertyException($"security.protocol={protocol} is not a security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)");
            settings["security.protocol"] = p.ToLowerInvariant();
        }

        TrustStore(settings, Take("ssl.truststore.type") ?? "JKS", Take("ssl.truststore.location"), Take("ssl.truststore.password"),
            Take("ssl.truststore.certificates"));
        KeyStore(settings, Take("ssl.keystore.type") ?? "JKS", Take("ssl.keystore.location"), Take("ssl.keystore.password"),
            Take("ssl.keystore.key"), Take("ssl.keystore.certificate.chain"));

        if (Take("ssl.endpoint.identification.algorithm") is { } algorithm)
        {
            settings["ssl.endpoint.identification.algorithm"] = algorithm.Trim() switch
            {
                "" => "none",
                "https" or "HTTPS" => "https",
                _ => throw new ClientPropertyException($"ssl.endpoint.identification.algorithm={algorithm} is not served (use https or an empty value)"),
            };
        }

        if (Take("sasl.mechanism") is { } mechanism) settings["sasl.mechanisms"] = mechanism.Trim();
        if (Take("sasl.jaas.config") is { } jaas) Jaas(settings, jaas);

        foreach (var (key, value) in java)
        {
            if (!SameInLibrdkafka.Contains(key))
                throw new ClientPropertyException($"{key} cannot be used: librdkafka has no equivalent, and ignoring it could weaken the connection's security");
            settings[key] = value;
        }
    }

    private static bool IsSecurityKey(string key) =>
        key.StartsWith("ssl.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal)
        || key.StartsWith("security.", StringComparison.Ordinal) || key == "enable.ssl.certificate.verification";

    private static void TrustStore(Dictionary<string, string> settings, string type, string? location, string? password, string? inline)
    {
        if (inline is not null)
        {
            settings["ssl.ca.pem"] = inline;
            return;
        }

        if (location is null) return;
        switch (StoreType("ssl.truststore", type, location))
        {
            case "PEM":
                settings["ssl.ca.location"] = location;
                break;
            default:
                // librdkafka takes CA certificates only in PEM: read the PKCS12 store and pass its certificates inline.
                var certificates = LoadPkcs12("ssl.truststore.location", location, password);
                var pem = new StringBuilder();
                foreach (var c in certificates) pem.Append(c.ExportCertificatePem()).Append('\n');
                settings["ssl.ca.pem"] = pem.ToString();
                break;
        }
    }

    private static void KeyStore(Dictionary<string, string> settings, string type, string? location, string? password, string? key, string? chain)
    {
        if (key is not null || chain is not null)
        {
            if (key is null || chain is null)
                throw new ClientPropertyException("ssl.keystore.key and ssl.keystore.certificate.chain must be given together");
            settings["ssl.key.pem"] = key;
            settings["ssl.certificate.pem"] = chain;
            return;
        }

        if (location is null) return;
        if (StoreType("ssl.keystore", type, location) == "PEM")
        {
            // Kafka's PEM key store file holds the private key and the certificate chain; librdkafka reads each from it.
            settings["ssl.key.location"] = location;
            settings["ssl.certificate.location"] = location;
            return;
        }

        settings["ssl.keystore.location"] = location;
        if (password is not null) settings["ssl.keystore.password"] = password;
    }

    /// <summary>PEM or PKCS12; JKS is accepted only when the file is in fact PKCS12 (Java reads it as such).</summary>
    private static string StoreType(string prefix, string type, string location)
    {
        string t = type.Trim().ToUpperInvariant();
        if (t is "PEM" or "PKCS12") return t;
        if (t != "JKS") throw new ClientPropertyException($"{prefix}.type={type} is not served (use PKCS12 or PEM)");
        byte[] head = new byte[4];
        try
        {
            using var file = File.OpenRead(location);
            file.ReadExactly(head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClientPropertyException($"{prefix}.location={location} cannot be read: {e.Message}");
        }

        if (head.AsSpan().SequenceEqual(JksMagic))
        {
            throw new ClientPropertyException(
                $"{prefix}.location={location} is a JKS store, which librdkafka cannot read; convert it with keytool -importkeystore " +
                $"-srckeystore {location} -destkeystore {Path.ChangeExtension(location, ".p12")} -deststoretype PKCS12 and set {prefix}.type=PKCS12");
        }

        return "PKCS12";
    }

    private static X509Certificate2Collection LoadPkcs12(string key, string location, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(location, password);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClientPropertyException($"{key}={location} cannot be loaded: {e.Message.TrimEnd('.')}");
        }
    }

    private static void Jaas(Dictionary<string, string> settings, string jaas)
    {
        var module = LoginModule().Match(jaas);
        if (!module.Success || module.Groups["module"].Value is not ("org.apache.kafka.common.security.plain.PlainLoginModule"
                or "org.apache.kafka.common.security.scram.ScramLoginModule"))
        {
            throw new ClientPropertyException("sasl.jaas.config: only PlainLoginModule and ScramLoginModule with username and password can be used");
        }

        var options = Option().Matches(module.Groups["options"].Value).ToDictionary(m => m.Groups["key"].Value,
            m => m.Groups["quoted"].Success ? Regex.Unescape(m.Groups["quoted"].Value) : m.Groups["bare"].Value, StringComparer.Ordinal);
        if (!options.TryGetValue("username", out var user) || !options.TryGetValue("password", out var password))
            throw new ClientPropertyException("sasl.jaas.config: username and password are required");
        settings["sasl.username"] = user;
        settings["sasl.password"] = password;
    }

    [GeneratedRegex(@"^\s*(?<module>[\w.$]+)\s+(required|requisite|sufficient|optional)(?<options>.*?);?\s*$", RegexOptions.Singleline)]
    private static partial Regex LoginModule();

    [GeneratedRegex("""(?<key>[\w.]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<bare>[^\s;]+))""")]
    private static partial Regex Option();
}
