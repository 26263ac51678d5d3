using System.Buffers.Binary;
using System.Text;
using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// The SASL state machine on the wire, against one broker process with a SASL_PLAINTEXT listener (PLAIN, users from
/// the JAAS entry, connections.max.reauth.ms=2000): what is answered, what closes the connection, and that the
/// broker keeps serving everyone else.
/// </summary>
[TestFixture]
public sealed class SaslWireTests
{
    private const int ReauthMs = 2000;
    private BrokerProcess _broker = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        int port = FreePort.Next();
        var settings = SaslCluster.Settings(port);
        settings["sasl.enabled.mechanisms"] = "PLAIN";
        settings["connections.max.reauth.ms"] = ReauthMs.ToString();
        _broker = new BrokerProcess(0, settings, port);
        await _broker.StartAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_broker.OutputTail(100));
        _broker.Dispose();
    }

    private RawConnection Connect() => new(_broker.Port);

    private static byte[] Plain(string user, string password) => Encoding.UTF8.GetBytes($"\0{user}\0{password}");

    private static SaslHandshakeResponse Handshake(RawConnection c, string mechanism = "PLAIN", short version = 1) =>
        c.RoundTrip<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = mechanism }, version);

    private static SaslAuthenticateResponse Authenticate(RawConnection c, byte[] token, short version = 2) =>
        c.RoundTrip<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = token }, version);

    private static bool MetadataAnswered(RawConnection c)
    {
        try
        {
            return c.RoundTrip<MetadataResponse>(new MetadataRequest(), 1).Brokers.Count == 1;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Another client still authenticates and is served.</summary>
    private void AssertBrokerUnharmed()
    {
        using var c = Connect();
        Assert.That(Handshake(c).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(c, Plain("alice", SaslCluster.AlicePassword)).ErrorCode, Is.EqualTo(0));
        Assert.That(MetadataAnswered(c), Is.True);
    }

    [Test]
    public void GoodPassword_IsServed_AndThePrincipalIsLogged()
    {
        using var c = Connect();
        Assert.That(c.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3).ApiKeys.Select(k => (ApiKey)k.ApiKey),
            Does.Contain(ApiKey.SaslHandshake).And.Contain(ApiKey.SaslAuthenticate), "ApiVersions is served before authentication");
        var handshake = Handshake(c);
        Assert.That(handshake.ErrorCode, Is.EqualTo(0));
        Assert.That(handshake.Mechanisms, Is.EqualTo(new[] { "PLAIN" }));
        var auth = Authenticate(c, Plain("alice", SaslCluster.AlicePassword));
        Assert.That(auth.ErrorCode, Is.EqualTo(0));
        Assert.That(auth.SessionLifetimeMs, Is.EqualTo(ReauthMs));
        Assert.That(MetadataAnswered(c), Is.True);
        Assert.That(_broker.Output, Has.Some.Contains("authenticated as User:alice"));
    }

    [Test]
    public void WrongPassword_IsAnsweredSaslAuthenticationFailed_ThenClosed()
    {
        using var c = Connect();
        Assert.That(Handshake(c).ErrorCode, Is.EqualTo(0));
        var auth = Authenticate(c, Plain("alice", "wrong"));
        Assert.That(auth.ErrorCode, Is.EqualTo((short)ErrorCode.SaslAuthenticationFailed));
        Assert.That(auth.ErrorMessage, Does.Contain("Invalid username or password"));
        Assert.That(c.IsClosedByBroker(), Is.True, "nothing else is answered");
        AssertBrokerUnharmed();
    }

    [Test]
    public void RequestBeforeAuthentication_ClosesWithoutAnAnswer()
    {
        using var c = Connect();
        c.Send(new MetadataRequest(), 1);
        Assert.That(c.ReceiveFrame(), Is.Null);
        using var d = Connect();
        Assert.That(Handshake(d).ErrorCode, Is.EqualTo(0));
        d.Send(new MetadataRequest(), 1); // between handshake and authenticate
        Assert.That(d.ReceiveFrame(), Is.Null);
        AssertBrokerUnharmed();
    }

    [TestCase(new byte[0])]
    [TestCase(new byte[] { 0xFF, 0xFE, 0x00, 0x41, 0x00, 0x42 })]
    [TestCase(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void GarbageTokens_FailAuthentication_ThenClose(byte[] token)
    {
        using var c = Connect();
        Assert.That(Handshake(c).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(c, token).ErrorCode, Is.EqualTo((short)ErrorCode.SaslAuthenticationFailed));
        Assert.That(c.IsClosedByBroker(), Is.True);
        AssertBrokerUnharmed();
    }

    [Test]
    public void GarbageFrameBody_BeforeAuthentication_Closes()
    {
        using var c = Connect();
        var frame = new byte[4 + 64];
        BinaryPrimitives.WriteInt32BigEndian(frame, 64);
        new Random(7).NextBytes(frame.AsSpan(4));
        c.SendRaw(frame);
        Assert.That(c.IsClosedByBroker(), Is.True);
        AssertBrokerUnharmed();
    }

    [Test]
    public void OversizedToken_IsRefusedFromItsSizeAlone()
    {
        using var c = Connect();
        Assert.That(Handshake(c).ErrorCode, Is.EqualTo(0));
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, 524288 + 1); // sasl.server.max.receive.size + 1, body never sent
        c.SendRaw(prefix);
        Assert.That(c.IsClosedByBroker(), Is.True);
        AssertBrokerUnharmed();
    }

    [Test]
    public void HandshakeReplay_IsIllegalSaslState_ThenClosed()
    {
        using var c = Connect();
        Assert.That(Handshake(c).ErrorCode, Is.EqualTo(0));
        Assert.That(Handshake(c).ErrorCode, Is.EqualTo((short)ErrorCode.IllegalSaslState));
        Assert.That(c.IsClosedByBroker(), Is.True);

        // After an authentication that offered no re-authentication (SaslAuthenticate v0 carries no lifetime).
        using var d = Connect();
        Assert.That(Handshake(d).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(d, Plain("alice", SaslCluster.AlicePassword), 0).ErrorCode, Is.EqualTo(0));
        Assert.That(Handshake(d).ErrorCode, Is.EqualTo((short)ErrorCode.IllegalSaslState));
        Assert.That(d.IsClosedByBroker(), Is.True);
        AssertBrokerUnharmed();
    }

    [Test]
    public void UnservedMechanism_IsUnsupportedSaslMechanism_WithTheEnabledList()
    {
        using var c = Connect();
        var answer = Handshake(c, "GSSAPI");
        Assert.That(answer.ErrorCode, Is.EqualTo((short)ErrorCode.UnsupportedSaslMechanism));
        Assert.That(answer.Mechanisms, Is.EqualTo(new[] { "PLAIN" }));
        Assert.That(c.IsClosedByBroker(), Is.True);
    }

    [Test]
    public async Task Reauthentication_KeepsTheConnection_ExpiryClosesIt_PrincipalCannotChange()
    {
        using var kept = Connect();
        Assert.That(Handshake(kept).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(kept, Plain("alice", SaslCluster.AlicePassword)).SessionLifetimeMs, Is.EqualTo(ReauthMs));
        using var expired = Connect();
        Assert.That(Handshake(expired).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(expired, Plain("alice", SaslCluster.AlicePassword)).ErrorCode, Is.EqualTo(0));

        // Re-authenticate "kept" within its lifetime (KIP-368), then let both pass the first lifetime.
        Assert.That(Handshake(kept).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(kept, Plain("alice", SaslCluster.AlicePassword)).ErrorCode, Is.EqualTo(0));
        await Task.Delay(ReauthMs + 500); // the expiry itself is what is tested
        Assert.That(MetadataAnswered(expired), Is.False, "a session past connections.max.reauth.ms is closed at its next request");

        using var switcher = Connect();
        Assert.That(Handshake(switcher).ErrorCode, Is.EqualTo(0));
        Assert.That(Authenticate(switcher, Plain("alice", SaslCluster.AlicePassword)).ErrorCode, Is.EqualTo(0));
        Assert.That(Handshake(switcher).ErrorCode, Is.EqualTo(0));
        var other = Authenticate(switcher, Plain("broker", SaslCluster.BrokerPassword));
        Assert.That(other.ErrorCode, Is.EqualTo((short)ErrorCode.SaslAuthenticationFailed));
        Assert.That(other.ErrorMessage, Does.Contain("Cannot change principals"));
        Assert.That(switcher.IsClosedByBroker(), Is.True);
        AssertBrokerUnharmed();
    }

    [Test]
    public void LegacyHandshakeV0_RawTokens_AuthenticateOrClose()
    {
        using var c = Connect();
        Assert.That(Handshake(c, version: 0).ErrorCode, Is.EqualTo(0));
        var token = Plain("alice", SaslCluster.AlicePassword);
        var frame = new byte[4 + token.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, token.Length);
        token.CopyTo(frame, 4);
        c.SendRaw(frame);
        Assert.That(c.ReceiveFrame(), Is.EqualTo(Array.Empty<byte>()), "PLAIN's empty server token, size-prefixed");
        Assert.That(MetadataAnswered(c), Is.True);

        using var d = Connect();
        Assert.That(Handshake(d, version: 0).ErrorCode, Is.EqualTo(0));
        var bad = Plain("alice", "wrong");
        var badFrame = new byte[4 + bad.Length];
        BinaryPrimitives.WriteInt32BigEndian(badFrame, bad.Length);
        bad.CopyTo(badFrame, 4);
        d.SendRaw(badFrame);
        Assert.That(d.ReceiveFrame(), Is.Null, "the legacy flow has no way to say why: the connection closes");
        AssertBrokerUnharmed();
    }
}
