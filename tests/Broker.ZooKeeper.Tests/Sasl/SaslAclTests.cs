using Broker.TestKit.ZooKeeper;

namespace Broker.ZooKeeper.Tests.Sasl;

/// <summary>
/// SASL DIGEST-MD5 against a real ZooKeeper configured as a secured Kafka deployment's (JAAS Server section,
/// SASLAuthenticationProvider), and node ACLs: creator-only writes, world reads, read back with getACL.
/// </summary>
[TestFixture]
public sealed class SaslAclTests
{
    private ZooKeeperServer _server = null!;
    private readonly List<ZooKeeperClient> _clients = [];

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _server = await ZooKeeperServer.LaunchAsync(new Dictionary<string, string> { ["broker"] = "broker-secret", ["other"] = "other-secret" });

    [OneTimeTearDown]
    public void Stop() => _server.Dispose();

    [TearDown]
    public async Task TearDownAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        _clients.Clear();
    }

    private ZooKeeperClient NewClient(ZooKeeperSaslCredentials? credentials, Func<string, IReadOnlyList<ZooKeeperAcl>>? acls = null)
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = _server.ConnectString,
            SessionTimeout = TimeSpan.FromSeconds(4),
            ConnectionTimeout = TimeSpan.FromSeconds(10),
            SaslCredentials = credentials,
            AclProvider = acls,
        });
        _clients.Add(client);
        return client;
    }

    private static IReadOnlyList<ZooKeeperAcl> Secure(string path) => [ZooKeeperAcl.CreatorAll, ZooKeeperAcl.WorldRead];

    [Test]
    public async Task AuthenticatedClient_CreatesSecuredNodes_OthersMayReadButNotWrite()
    {
        string root = "/s-" + Guid.NewGuid().ToString("N")[..8];
        var owner = NewClient(new ZooKeeperSaslCredentials("broker", "broker-secret"), Secure);
        await owner.ConnectAsync();
        await owner.CreateAsync(root, "v1"u8.ToArray());
        await owner.MultiAsync([ZooKeeperOp.Create(root + "/child", "c"u8.ToArray())]);

        foreach (var path in new[] { root, root + "/child" })
        {
            var (acl, _) = await owner.GetAclAsync(path);
            Assert.That(acl, Is.EquivalentTo(new[]
            {
                new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", "broker"),
                new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone"),
            }), path);
        }

        await owner.SetDataAsync(root, "v2"u8.ToArray());

        var anonymous = NewClient(null);
        await anonymous.ConnectAsync();
        Assert.That((await anonymous.GetDataAsync(root)).Data, Is.EqualTo("v2"u8.ToArray()));
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.SetDataAsync(root, "x"u8.ToArray()));
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.DeleteAsync(root + "/child"));
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.CreateAsync(root + "/intruder", ReadOnlyMemory<byte>.Empty));

        var other = NewClient(new ZooKeeperSaslCredentials("other", "other-secret"));
        await other.ConnectAsync();
        Assert.ThrowsAsync<NoAuthException>(() => other.SetDataAsync(root, "x"u8.ToArray()), "another SASL user is not the creator");
    }

    [Test]
    public async Task AuthenticationSurvivesAReconnect()
    {
        string root = "/r-" + Guid.NewGuid().ToString("N")[..8];
        var owner = NewClient(new ZooKeeperSaslCredentials("broker", "broker-secret"), Secure);
        await owner.ConnectAsync();
        await owner.CreateAsync(root, ReadOnlyMemory<byte>.Empty);
        await _server.RestartAsync();
        // The session survives the restart; the new connection must authenticate again before writing.
        await owner.SetDataAsync(root, "after"u8.ToArray());
        Assert.That((await owner.GetDataAsync(root)).Data, Is.EqualTo("after"u8.ToArray()));
    }

    [Test]
    public void WrongPassword_FailsConnect_WithAuthFailed_AndStopsRetrying()
    {
        var client = NewClient(new ZooKeeperSaslCredentials("broker", "wrong"));
        var started = DateTime.UtcNow;
        var e = Assert.ThrowsAsync<AuthFailedException>(() => client.ConnectAsync());
        Assert.That(e!.Message, Does.Contain("refused the SASL credentials"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(8)), "a refusal is reported at once, not after the connection timeout");
        Assert.That(client.State, Is.EqualTo(ZooKeeperState.AuthFailed));
    }

    [Test]
    public async Task UnknownUser_FailsConnect_WithAuthFailed()
    {
        var client = NewClient(new ZooKeeperSaslCredentials("nobody", "x"));
        Assert.ThrowsAsync<AuthFailedException>(() => client.ConnectAsync());
        await Task.CompletedTask;
    }
}
