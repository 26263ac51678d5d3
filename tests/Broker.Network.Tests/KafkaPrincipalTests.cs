using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Network;

namespace Broker.Network.Tests;

/// <summary>Kafka's DEFAULT principal of a TLS client: "User:" + the subject as X500Principal.getName() (RFC 2253).</summary>
public sealed class KafkaPrincipalTests
{
    [TestCase("CN=client, OU=eng, O=test, C=US", "User:CN=client,OU=eng,O=test,C=US")]
    [TestCase("CN=\"a,b\", O=test", "User:CN=a\\,b,O=test")]
    public void Principal_IsTheSubjectDn_MostSpecificFirst_CommaSeparated(string subject, string expected)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.That(KafkaPrincipal.FromCertificate(cert), Is.EqualTo(expected));
    }
}
