using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Server.Configuration;
using Broker.Server.Tls;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

/// <summary>Key and trust stores are loaded at start-up; what cannot be used stops it, naming the setting.</summary>
public sealed class TlsContextTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"tlsctx-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void SslListenerWithoutKeyStore_IsRefused_AtTheListenersLine()
    {
        var config = Build("broker.id=1\nlisteners=PLAINTEXT://:9092,SSL://:9093");
        var e = Assert.Throws<ConfigException>(() => TlsContext.Of(config));
        Assert.That(e!.Message, Does.StartWith("server.properties:2: listeners = ").And.Contain("listener SSL uses SSL and needs this broker's certificate"));
    }

    [Test]
    public void RealJksKeyStore_IsRefused_WithTheConversionCommand()
    {
        string jks = Path.Combine(_dir, "broker.jks");
        File.WriteAllBytes(jks, [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]);
        var config = Build($"listeners=SSL://localhost:9093\nsecurity.inter.broker.protocol=SSL\nssl.keystore.location={jks}\nssl.keystore.password=x");
        var e = Assert.Throws<ConfigException>(() => TlsContext.Of(config));
        Assert.That(e!.Message, Does.StartWith("server.properties:3: ssl.keystore.location = ").And.Contain("is a JKS file").And.Contain("keytool -importkeystore"));
    }

    [Test]
    public void WrongPkcs12Password_IsRefused_NamingTheSetting()
    {
        string p12 = Path.Combine(_dir, "broker.p12");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllBytes(p12, cert.Export(X509ContentType.Pkcs12, "right"));
        }

        var ok = TlsContext.Of(Build($"ssl.keystore.type=PKCS12\nssl.keystore.location={p12}\nssl.keystore.password=right"));
        Assert.That(ok.Server, Is.Not.Null);
        var e = Assert.Throws<ConfigException>(() => TlsContext.Of(Build($"ssl.keystore.type=PKCS12\nssl.keystore.location={p12}\nssl.keystore.password=wrong")));
        Assert.That(e!.Message, Does.StartWith("server.properties:2: ssl.keystore.location = ").And.Contain("cannot be loaded"));
    }
}
