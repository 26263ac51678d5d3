using System.Text;
using Broker.ZooKeeper.Sasl;

namespace Broker.ZooKeeper.Tests.Sasl;

/// <summary>The DIGEST-MD5 computation against the worked example of RFC 2831 section 4.</summary>
[TestFixture]
public sealed class DigestMd5ClientTests
{
    private const string Challenge =
        "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";

    [Test]
    public void Response_MatchesRfc2831Example_AndRspAuthIsVerified()
    {
        var client = new DigestMd5Client("chris", "secret", clientNonce: "OA6MHXh6VqTrRk", digestUri: "imap/elwood.innosoft.com");
        string response = Encoding.UTF8.GetString(client.Respond(Encoding.UTF8.GetBytes(Challenge)));
        Assert.That(response, Does.Contain("response=d388dad90d4bbd760a152321f2143af7"));
        Assert.That(response, Does.Contain("username=\"chris\"").And.Contain("nc=00000001").And.Contain("qop=auth"));
        Assert.That(client.IsComplete, Is.False);
        client.VerifyServer(Encoding.UTF8.GetBytes("rspauth=ea40f60335c427b5527b84dbabcdfffd"));
        Assert.That(client.IsComplete, Is.True);
    }

    [Test]
    public void WrongRspAuth_IsRefused()
    {
        var client = new DigestMd5Client("chris", "secret", clientNonce: "OA6MHXh6VqTrRk", digestUri: "imap/elwood.innosoft.com");
        client.Respond(Encoding.UTF8.GetBytes(Challenge));
        Assert.Throws<FormatException>(() => client.VerifyServer(Encoding.UTF8.GetBytes("rspauth=00000000000000000000000000000000")));
        Assert.That(client.IsComplete, Is.False);
    }

    [Test]
    public void ChallengeWithoutAuthQop_IsRefused()
    {
        var client = new DigestMd5Client("u", "p");
        Assert.Throws<FormatException>(() => client.Respond(Encoding.UTF8.GetBytes("nonce=\"n\",qop=\"auth-conf\",algorithm=md5-sess")));
    }
}
