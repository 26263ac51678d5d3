using Broker.Coordination.Scram;
using System.Text;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Tests.Security;

/// <summary>SCRAM against RFC 7677's SHA-256 example, and round trips through our client for both hashes.</summary>
public class ScramTests
{
    // RFC 7677 §3: user "user", password "pencil".
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static ScramCredential Rfc7677Credential() =>
        ScramCredential.FromPassword(ScramMechanism.Sha256, "pencil", 4096, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="));

    [Test]
    public void ServerFollowsRfc7677Example()
    {
        var server = new ScramServerExchange(ScramMechanism.Sha256, u => u == "user" ? Rfc7677Credential() : null, () => ServerNonce);
        var first = server.Evaluate(Encoding.UTF8.GetBytes(ClientFirst));
        Assert.That(first.Error, Is.Null);
        Assert.That(Encoding.UTF8.GetString(first.Response), Is.EqualTo(ServerFirst));
        var final = server.Evaluate(Encoding.UTF8.GetBytes(ClientFinal));
        Assert.That(final.Error, Is.Null);
        Assert.That(final.Complete, Is.True);
        Assert.That(final.UserName, Is.EqualTo("user"));
        Assert.That(Encoding.UTF8.GetString(final.Response), Is.EqualTo(ServerFinal));
    }

    [Test]
    public void ClientFollowsRfc7677Example()
    {
        var client = new ScramClientExchange(ScramMechanism.Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        Assert.That(Encoding.UTF8.GetString(client.ClientFirst()), Is.EqualTo(ClientFirst));
        Assert.That(Encoding.UTF8.GetString(client.ClientFinal(Encoding.UTF8.GetBytes(ServerFirst))), Is.EqualTo(ClientFinal));
        Assert.That(client.VerifyServerFinal(Encoding.UTF8.GetBytes(ServerFinal)), Is.True);
        Assert.That(client.VerifyServerFinal("v=AAAA"u8), Is.False);
    }

    [TestCase("SCRAM-SHA-256")]
    [TestCase("SCRAM-SHA-512")]
    public void RoundTripAndWrongPassword(string name)
    {
        var mechanism = ScramMechanism.FromName(name)!;
        var stored = ScramCredential.FromPassword(mechanism, "alice-secret", 4096);
        var parsed = ScramCredential.TryParse(stored.Format())!;
        Assert.That(parsed.StoredKey, Is.EqualTo(stored.StoredKey));

        Assert.That(Run(mechanism, parsed, "alice-secret").Error, Is.Null);
        var wrong = Run(mechanism, parsed, "nope");
        Assert.That(wrong.Error, Does.Contain("invalid credentials"));
        Assert.That(wrong.Complete, Is.False);
    }

    private static SaslStep Run(ScramMechanism mechanism, ScramCredential credential, string password)
    {
        var server = new ScramServerExchange(mechanism, u => u == "alice" ? credential : null);
        var client = new ScramClientExchange(mechanism, "alice", password);
        var first = server.Evaluate(client.ClientFirst());
        Assert.That(first.Error, Is.Null);
        var final = server.Evaluate(client.ClientFinal(first.Response));
        if (final.Error is null) Assert.That(client.VerifyServerFinal(final.Response), Is.True);
        return final;
    }

    [Test]
    public void UnknownUserFailsLikeAWrongPassword()
    {
        var server = new ScramServerExchange(ScramMechanism.Sha512, _ => null);
        var step = server.Evaluate(new ScramClientExchange(ScramMechanism.Sha512, "mallory", "x").ClientFirst());
        Assert.That(step.Error, Is.EqualTo(server.FailureMessage));
    }

    [TestCase("")]
    [TestCase("garbage")]
    [TestCase("p=tls-unique,,n=user,r=abc")]
    [TestCase("n,,n=user")]
    [TestCase("n,,r=abc,n=user")]
    [TestCase("n,,n=us=ZZer,r=abc")]
    [TestCase("n,,n=user,r=abc,tokenauth=true")]
    [TestCase("n,a=other,n=user,r=abc")]
    public void MalformedClientFirstFails(string message)
    {
        var server = new ScramServerExchange(ScramMechanism.Sha256, _ => Rfc7677Credential());
        Assert.That(server.Evaluate(Encoding.UTF8.GetBytes(message)).Error, Is.Not.Null);
        // After a failure nothing more is accepted.
        Assert.That(server.Evaluate(Encoding.UTF8.GetBytes(ClientFirst)).Error, Is.Not.Null);
    }

    [Test]
    public void ReplayedClientFinalWithAnotherNonceFails()
    {
        // The RFC's client-final carries the RFC's server nonce; a server with a fresh nonce must refuse it.
        var server = new ScramServerExchange(ScramMechanism.Sha256, _ => Rfc7677Credential());
        Assert.That(server.Evaluate(Encoding.UTF8.GetBytes(ClientFirst)).Error, Is.Null);
        Assert.That(server.Evaluate(Encoding.UTF8.GetBytes(ClientFinal)).Error, Does.Contain("nonce"));
    }

    [Test]
    public void ClientFinalWithTheClientNonceRepeatedInFront_IsAccepted_AsKafka()
    {
        // What librdkafka 2.0.2 (kcat) sends: "r=" + client nonce + the whole server nonce; the proof covers that text.
        var credential = ScramCredential.FromPassword(ScramMechanism.Sha512, "bob-secret", 4096);
        var server = new ScramServerExchange(ScramMechanism.Sha512, _ => credential, () => "SERVERPART");
        const string bare = "n=bob,r==cnonce";
        var serverFirst = Encoding.UTF8.GetString(server.Evaluate(Encoding.UTF8.GetBytes("n,," + bare)).Response);
        string withoutProof = "c=biws,r==cnonce=cnonceSERVERPART";
        var mechanism = ScramMechanism.Sha512;
        var salted = mechanism.SaltedPassword("bob-secret", credential.Salt, 4096);
        var clientKey = mechanism.Hmac(salted, "Client Key"u8);
        var signature = mechanism.Hmac(mechanism.Digest(clientKey), Encoding.UTF8.GetBytes($"{bare},{serverFirst},{withoutProof}"));
        for (int i = 0; i < clientKey.Length; i++) clientKey[i] ^= signature[i];
        var final = server.Evaluate(Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(clientKey)}"));
        Assert.That(final.Error, Is.Null);
        Assert.That(final.UserName, Is.EqualTo("bob"));
    }

    [Test]
    public void CredentialTextIsKafkas()
    {
        var c = new ScramCredential([1, 2], [3], [4], 8192);
        Assert.That(c.Format(), Is.EqualTo("salt=AQI=,stored_key=Aw==,server_key=BA==,iterations=8192"));
        Assert.That(ScramCredential.TryParse("salt=AQI=,stored_key=Aw=="), Is.Null);
        Assert.That(ScramCredential.TryParse("salt=!!,stored_key=Aw==,server_key=BA==,iterations=1"), Is.Null);
    }
}
