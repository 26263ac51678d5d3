using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.TestKit.Tls;

/// <summary>
/// Certificates made with openssl at test time, in a temporary folder removed on Dispose: a CA, a broker certificate
/// for localhost/127.0.0.1 (PEM key + chain, PEM key store file, PKCS12 with <see cref="Password"/>), a client
/// certificate (subject O=test, OU=eng, CN=client) signed by the CA, a client certificate from another, untrusted CA,
/// and an expired client certificate from the CA (openssl 3.0's x509 cannot back-date, so that one is signed by .NET
/// with the CA's key). Not thread-safe while being created; read-only afterwards.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "changeit";

    /// <summary>Kafka's principal of <see cref="ClientCertificate"/>.</summary>
    public const string ClientPrincipal = "User:CN=client,OU=eng,O=test";

    private readonly TempDirectory _dir = new("tls");

    private TestCertificates()
    {
    }

    public string Folder => _dir.Path;

    public string CaPem => File("ca.pem");

    public string BrokerKey => File("broker.key");

    public string BrokerPem => File("broker.pem");

    /// <summary>The broker's private key followed by its certificate and the CA: Kafka's PEM key store file.</summary>
    public string BrokerKeystorePem => File("broker-keystore.pem");

    public string BrokerP12 => File("broker.p12");

    /// <summary>The CA as a PKCS12 trust store (password <see cref="Password"/>).</summary>
    public string CaP12 => File("ca.p12");

    public string ClientKey => File("client.key");

    public string ClientCertificate => File("client.pem");

    public string UntrustedClientKey => File("untrusted.key");

    public string UntrustedClientCertificate => File("untrusted.pem");

    public string ExpiredClientKey => File("expired.key");

    public string ExpiredClientCertificate => File("expired.pem");

    /// <summary>Another CA's certificate: a trust store that does not trust the broker.</summary>
    public string OtherCaPem => File("other-ca.pem");

    private string File(string name) => Path.Combine(_dir.Path, name);

    public static async Task<TestCertificates> CreateAsync()
    {
        var c = new TestCertificates();
        try
        {
            await c.OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA");
            await c.OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Other CA");
            await System.IO.File.WriteAllTextAsync(c.File("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            await c.Issue("broker", "/O=test/CN=localhost", "ca", "san.ext");
            await c.Issue("client", "/O=test/OU=eng/CN=client", "ca", null);
            await c.Issue("untrusted", "/O=test/CN=intruder", "other-ca", null);
            await System.IO.File.WriteAllTextAsync(c.BrokerKeystorePem,
                await System.IO.File.ReadAllTextAsync(c.BrokerKey) + await System.IO.File.ReadAllTextAsync(c.BrokerPem) + await System.IO.File.ReadAllTextAsync(c.CaPem));
            await c.OpenSsl("pkcs12", "-export", "-in", "broker.pem", "-inkey", "broker.key", "-certfile", "ca.pem", "-out", "broker.p12", "-passout", "pass:" + Password);
            await c.OpenSsl("pkcs12", "-export", "-nokeys", "-in", "ca.pem", "-out", "ca.p12", "-passout", "pass:" + Password);
            c.IssueExpired();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private async Task Issue(string name, string subject, string ca, string? extensions)
    {
        await OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        var args = new List<string> { "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial", "-out", name + ".pem", "-days", "2" };
        if (extensions is not null) args.AddRange(["-extfile", extensions]);
        await OpenSsl([.. args]);
    }

    /// <summary>
    /// A client certificate from the trusted CA valid for the CA's first second only (.NET refuses a validity starting
    /// before the issuer's), so it has expired by the time any test uses it.
    /// </summary>
    private void IssueExpired()
    {
        using var caCert = X509Certificate2.CreateFromPemFile(CaPem, File("ca.key"));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=expired, O=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var start = new DateTimeOffset(caCert.NotBefore.ToUniversalTime());
        using var cert = request.Create(caCert, start, start.AddSeconds(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        while (DateTimeOffset.UtcNow <= start.AddSeconds(2)) Thread.Sleep(100); // at most ~2 s after the CA was made
        System.IO.File.WriteAllText(ExpiredClientCertificate, cert.ExportCertificatePem());
        System.IO.File.WriteAllText(ExpiredClientKey, key.ExportPkcs8PrivateKeyPem());
    }

    private async Task OpenSsl(params string[] args)
    {
        var run = await ExternalProcess.RunAsync("openssl", args, timeout: TimeSpan.FromSeconds(60), workingDirectory: _dir.Path);
        if (run.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {run.StandardError}");
    }

    public void Dispose() => _dir.Dispose();
}
