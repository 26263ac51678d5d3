using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Broker.TestKit.Tls;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Tls;

/// <summary>
/// Issue 14 item 5 with mutual TLS: the client certificate's subject is the principal the authorizer checks. One broker,
/// SSL listener with ssl.client.auth=required and Kafka's ACL authorizer; the broker's own certificate is the super user
/// (used here as the administrator), the client certificate gets ACLs naming <c>User:CN=client,OU=eng,O=test</c>.
/// </summary>
[TestFixture]
public sealed class MutualTlsAuthorizationTests
{
    private const string BrokerPrincipal = "User:CN=localhost,O=test";

    private TestCertificates _certs = null!;
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _certs = await TestCertificates.CreateAsync();
        _cluster = await TestCluster.StartAsync(1, new Dictionary<string, string>
        {
            ["listener.security.protocol.map"] = "SSL:SSL",
            ["security.inter.broker.protocol"] = "SSL",
            ["ssl.keystore.type"] = "PEM",
            ["ssl.keystore.location"] = _certs.BrokerKeystorePem,
            ["ssl.truststore.type"] = "PEM",
            ["ssl.truststore.location"] = _certs.CaPem,
            ["ssl.client.auth"] = "required",
            ["authorizer.class.name"] = "kafka.security.authorizer.AclAuthorizer",
            ["super.users"] = BrokerPrincipal,
            ["offsets.topic.replication.factor"] = "1",
        }, (_, port) => new Dictionary<string, string> { ["listeners"] = $"SSL://localhost:{port}" });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
        _certs.Dispose();
    }

    private ClientConfig Client(string certificate, string key) => new()
    {
        BootstrapServers = string.Join(",", _cluster.Brokers.Select(b => $"localhost:{b.Port}")),
        SecurityProtocol = SecurityProtocol.Ssl,
        SslCaLocation = _certs.CaPem,
        SslCertificateLocation = certificate,
        SslKeyLocation = key,
    };

    [Test]
    public async Task ClientCertificateSubject_IsThePrincipalTheAclsName()
    {
        string allowed = $"mtls-a-{Guid.NewGuid():N}"[..20], other = $"mtls-o-{Guid.NewGuid():N}"[..20];
        var admin = Client(_certs.BrokerPem, _certs.BrokerKey);
        var client = Client(_certs.ClientCertificate, _certs.ClientKey);
        using (var a = new AdminClientBuilder(new AdminClientConfig(admin)).Build())
        {
            await a.CreateTopicsAsync(new[] { allowed, other }.Select(t => new TopicSpecification { Name = t, NumPartitions = 1, ReplicationFactor = 1 }));
            await a.CreateAclsAsync(
            [
                new AclBinding
                {
                    Pattern = new ResourcePattern { Type = ResourceType.Topic, Name = allowed, ResourcePatternType = ResourcePatternType.Literal },
                    Entry = new AccessControlEntry { Principal = TestCertificates.ClientPrincipal, Host = "*", Operation = AclOperation.Write, PermissionType = AclPermissionType.Allow },
                },
            ]);
        }

        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(client) { MessageTimeoutMs = 10000 }).Build();
        var delivered = await producer.ProduceAsync(allowed, new Message<Null, string> { Value = "x" });
        Assert.That(delivered.Status, Is.EqualTo(PersistenceStatus.Persisted), "Write granted to the certificate's subject");
        var denied = Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync(other, new Message<Null, string> { Value = "x" }));
        Assert.That(denied!.Error.Code, Is.EqualTo(ErrorCode.TopicAuthorizationFailed));

        using var check = new AdminClientBuilder(new AdminClientConfig(client)).Build();
        var md = check.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.That(md.Topics.Select(t => t.Topic), Does.Contain(allowed).And.Not.Contain(other), "Metadata hides topics the principal may not Describe");
        Assert.That(_cluster.Brokers.SelectMany(b => b.Output), Has.Some.Contains("principal " + TestCertificates.ClientPrincipal));
    }
}
