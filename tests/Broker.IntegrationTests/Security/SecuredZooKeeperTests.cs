using System.Text;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;
using Broker.ZooKeeper;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// A broker against a ZooKeeper that authenticates with SASL DIGEST-MD5 (JAAS Server section, SASLAuthenticationProvider),
/// its credentials in a JAAS Client section named as Kafka names it: with <c>zookeeper.set.acl=true</c> its znodes are
/// writable by its SASL identity only (SCRAM credentials readable by it only); start-up is refused without credentials
/// and fails clearly with a wrong password.
/// </summary>
[TestFixture]
public sealed class SecuredZooKeeperTests
{
    private const string BrokerPassword = "zk-broker-secret";
    private ZooKeeperServer _zk = null!;
    private TempDirectory _dir = null!;
    private string _jaas = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _zk = await ZooKeeperServer.LaunchAsync(new Dictionary<string, string> { ["kafka"] = BrokerPassword });
        _dir = new TempDirectory("zk-jaas");
        _jaas = WriteJaas("client.jaas", BrokerPassword);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _zk.Dispose();
        _dir.Dispose();
    }

    private string WriteJaas(string name, string password)
    {
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, $$"""
            // The broker's identity towards ZooKeeper (Kafka's layout: a KafkaServer section may sit beside it).
            KafkaServer {
              org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="x" user_admin="x";
            };
            Client {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="kafka"
              password="{{password}}";
            };
            """);
        return path;
    }

    /// <param name="chroot">Each test's own chroot (created here, open), so brokers of different tests never meet.</param>
    private async Task<BrokerProcess> NewBrokerAsync(string chroot, IDictionary<string, string>? environment = null)
    {
        await using (var root = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = _zk.ConnectString }))
        {
            await root.ConnectAsync();
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty);
        }

        var broker = new BrokerProcess(1, new Dictionary<string, string>
        {
            ["zookeeper.connect"] = _zk.ConnectString + chroot,
            ["zookeeper.session.timeout.ms"] = "6000",
            ["zookeeper.set.acl"] = "true",
            ["offsets.topic.replication.factor"] = "1",
        });
        if (environment is not null) foreach (var (k, v) in environment) broker.Environment[k] = v;
        return broker;
    }

    private async Task<ZooKeeperClient> AnonymousAsync(string chroot)
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = _zk.ConnectString + chroot, SessionTimeout = TimeSpan.FromSeconds(6) });
        await client.ConnectAsync();
        return client;
    }

    private static readonly ZooKeeperAcl BrokerAll = new(ZooKeeperPermissions.All, "sasl", "kafka");
    private static readonly ZooKeeperAcl WorldRead = new(ZooKeeperPermissions.Read, "world", "anyone");

    [Test]
    public async Task BrokerWithCredentials_Serves_ItsZnodesCarryKafkasAcls_AndAnonymousClientsCannotChangeThem()
    {
        string chroot = "/acl-" + Guid.NewGuid().ToString("N")[..6];
        using var broker = await NewBrokerAsync(chroot, environment: new Dictionary<string, string> { ["BROKER_JAAS_CONFIG"] = _jaas });
        await broker.StartAsync();
        string topic = "secured-" + Guid.NewGuid().ToString("N")[..6];
        var client = new ClientConfig { BootstrapServers = broker.BootstrapServers };
        using (var admin = new AdminClientBuilder(client).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
            await admin.AlterUserScramCredentialsAsync([new UserScramCredentialUpsertion
            {
                User = "zoe", Password = Encoding.UTF8.GetBytes("zoe-secret"),
                ScramCredentialInfo = new ScramCredentialInfo { Mechanism = ScramMechanism.ScramSha512, Iterations = 4096 },
            }]);
        }

        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(client)).Build())
            await producer.ProduceAsync(topic, new Message<Null, string> { Value = "served" });

        await using var anonymous = await AnonymousAsync(chroot);
        foreach (var path in new[] { "/brokers/ids/1", "/brokers/topics", $"/brokers/topics/{topic}", $"/brokers/topics/{topic}/partitions/0/state",
                     $"/config/topics/{topic}", "/controller", "/config/changes" })
        {
            var (acl, _) = await anonymous.GetAclAsync(path);
            Assert.That(acl, Is.EquivalentTo(new[] { BrokerAll, WorldRead }), path);
        }

        // SCRAM credentials: the broker alone may even read them (Kafka's sensitive paths); ZooKeeper 3.8 answers
        // getACL only to a reader, so the broker's identity reads this one.
        await using (var asBroker = new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = _zk.ConnectString + chroot, SaslCredentials = new ZooKeeperSaslCredentials("kafka", BrokerPassword),
        }))
        {
            await asBroker.ConnectAsync();
            Assert.That((await asBroker.GetAclAsync("/config/users/zoe")).Acl, Is.EqualTo(new[] { BrokerAll }));
        }

        Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetDataAsync("/config/users/zoe"));
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetAclAsync("/config/users/zoe"));

        Assert.That((await anonymous.GetDataAsync($"/brokers/topics/{topic}")).Data, Is.Not.Empty, "world may read");
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.CreateAsync("/brokers/topics/intruder", "{}"u8.ToArray()));
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.SetDataAsync($"/brokers/topics/{topic}", "{}"u8.ToArray()));
        Assert.ThrowsAsync<NoAuthException>(() => anonymous.DeleteAsync($"/config/topics/{topic}"));
        Assert.That(broker.Output, Has.None.Contains("NoAuth"), broker.OutputTail());
    }

    [Test]
    public async Task JaasFileNamedByKafkaOpts_IsUsed()
    {
        string chroot = "/opts-" + Guid.NewGuid().ToString("N")[..6];
        using var broker = await NewBrokerAsync(chroot, environment: new Dictionary<string, string>
        {
            ["KAFKA_OPTS"] = $"-Xmx1G -Djava.security.auth.login.config={_jaas} -Dzookeeper.sasl.client=true",
        });
        await broker.StartAsync();
        await using var anonymous = await AnonymousAsync(chroot);
        Assert.That((await anonymous.GetAclAsync("/brokers/ids/1")).Acl, Is.EquivalentTo(new[] { BrokerAll, WorldRead }));
    }

    [Test]
    public async Task SetAclWithoutCredentials_RefusesStartUp_WithFileLineAndReason()
    {
        using var broker = await NewBrokerAsync("/none-" + Guid.NewGuid().ToString("N")[..6]);
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => broker.StartAsync());
        Assert.That(e!.Message, Does.Match(@"server\.properties:\d+: zookeeper\.set\.acl = 'true' is refused: the broker has no ZooKeeper credentials"));
        Assert.That(e.Message, Does.Contain("BROKER_JAAS_CONFIG"));
    }

    [Test]
    public async Task WrongPassword_FailsStartUp_Clearly()
    {
        string wrong = WriteJaas("wrong.jaas", "not-the-password");
        using var broker = await NewBrokerAsync("/wrong-" + Guid.NewGuid().ToString("N")[..6], environment: new Dictionary<string, string> { ["BROKER_JAAS_CONFIG"] = wrong });
        var started = DateTime.UtcNow;
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => broker.StartAsync());
        Assert.That(e!.Message, Does.Contain("refused this broker's SASL credentials (user 'kafka' of the Client section in " + wrong));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(30)), "no retry until a timeout");
    }
}
