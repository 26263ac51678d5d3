using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Cli.Clients;

namespace Broker.Cli.Tests.Clients;

/// <summary>--command-config security properties (Java client names) → librdkafka, or a one-line refusal.</summary>
public sealed class JavaSecuritySettingsTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"jss-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string> Translate(params (string Key, string Value)[] pairs)
    {
        var settings = pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        JavaSecuritySettings.Translate(settings);
        return settings;
    }

    [Test]
    public void PemTrustStore_BecomesCaLocation_AndProtocolIsLowerCased()
    {
        var s = Translate(("security.protocol", "SSL"), ("ssl.truststore.type", "PEM"), ("ssl.truststore.location", "/certs/ca.pem"));
        Assert.That(s, Is.EquivalentTo(new Dictionary<string, string> { ["security.protocol"] = "ssl", ["ssl.ca.location"] = "/certs/ca.pem" }));
    }

    [Test]
    public void Pkcs12TrustStore_IsReadAndPassedAsCaPem()
    {
        using var ca = SelfSigned("CN=Test CA");
        string path = Path.Combine(_dir, "ca.p12");
        File.WriteAllBytes(path, ca.Export(X509ContentType.Pkcs12, "pw"));
        var s = Translate(("ssl.truststore.type", "PKCS12"), ("ssl.truststore.location", path), ("ssl.truststore.password", "pw"));
        Assert.That(s["ssl.ca.pem"], Does.StartWith("-----BEGIN CERTIFICATE-----"));
        Assert.That(s.Keys, Has.None.StartWith("ssl.truststore"));
    }

    [Test]
    public void JksDefaultType_OnAPkcs12File_IsReadAsPkcs12_AsJavaDoes()
    {
        using var ca = SelfSigned("CN=Test CA");
        string path = Path.Combine(_dir, "ks.p12");
        File.WriteAllBytes(path, ca.Export(X509ContentType.Pkcs12, "pw"));
        var s = Translate(("ssl.keystore.location", path), ("ssl.keystore.password", "pw"));
        Assert.That(s, Is.EquivalentTo(new Dictionary<string, string> { ["ssl.keystore.location"] = path, ["ssl.keystore.password"] = "pw" }));
    }

    [Test]
    public void RealJksFile_IsRefused_WithTheConversionCommand()
    {
        string path = Path.Combine(_dir, "trust.jks");
        File.WriteAllBytes(path, [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]);
        var e = Assert.Throws<ClientPropertyException>(() => Translate(("ssl.truststore.type", "JKS"), ("ssl.truststore.location", path)));
        Assert.That(e!.Message, Does.Contain("JKS store, which librdkafka cannot read").And.Contain("keytool -importkeystore").And.Not.Contain("\n"));
    }

    [Test]
    public void PemKeyStoreFile_GivesKeyAndCertificateLocations()
    {
        var s = Translate(("ssl.keystore.type", "PEM"), ("ssl.keystore.location", "/c/client.pem"), ("ssl.key.password", "k"));
        Assert.That(s, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["ssl.key.location"] = "/c/client.pem", ["ssl.certificate.location"] = "/c/client.pem", ["ssl.key.password"] = "k",
        }));
    }

    [TestCase("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"a-secret\";", "PLAIN")]
    [TestCase("org.apache.kafka.common.security.scram.ScramLoginModule required\n  username=\"alice\"\n  password=\"a-secret\";", "SCRAM-SHA-512")]
    public void JaasConfig_GivesUsernameAndPassword(string jaas, string mechanism)
    {
        var s = Translate(("security.protocol", "SASL_SSL"), ("sasl.mechanism", mechanism), ("sasl.jaas.config", jaas));
        Assert.That(s["sasl.mechanisms"], Is.EqualTo(mechanism));
        Assert.That(s["sasl.username"], Is.EqualTo("alice"));
        Assert.That(s["sasl.password"], Is.EqualTo("a-secret"));
        Assert.That(s.ContainsKey("sasl.jaas.config"), Is.False);
    }

    [Test]
    public void OtherLoginModule_IsRefused() =>
        Assert.Throws<ClientPropertyException>(() => Translate(("sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;")));

    [TestCase("ssl.protocol", "TLSv1.3")]
    [TestCase("ssl.enabled.protocols", "TLSv1.2")]
    [TestCase("ssl.keymanager.algorithm", "SunX509")]
    public void SecurityPropertyWithoutLibrdkafkaEquivalent_IsRefused(string key, string value)
    {
        var e = Assert.Throws<ClientPropertyException>(() => Translate((key, value)));
        Assert.That(e!.Message, Does.StartWith(key + " cannot be used"));
    }

    [Test]
    public void EmptyEndpointIdentification_TurnsHostNameCheckingOff() =>
        Assert.That(Translate(("ssl.endpoint.identification.algorithm", ""))["ssl.endpoint.identification.algorithm"], Is.EqualTo("none"));

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
    }
}
