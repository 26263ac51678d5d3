using Broker.Coordination.Scram;
using System.Text;
using Broker.Coordination;
using Broker.IntegrationTests.Cluster;
using Broker.Server.Security.Sasl;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// Three brokers on SASL_PLAINTEXT listeners with real ZooKeeper and real clients: replication over inter-broker SASL
/// (PLAIN), SCRAM users added through AlterUserScramCredentials and straight into ZooKeeper (as
/// <c>bin/configs.sh --zookeeper</c>) accepted by every broker, and each client library with PLAIN and SCRAM.
/// </summary>
[TestFixture]
public sealed class SaslClusterTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync(3, perBroker: (_, port) => SaslCluster.Settings(port));

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    private static string Topic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private ClientConfig Alice(string mechanism = "PLAIN", string password = SaslCluster.AlicePassword) =>
        new(SaslCluster.Client(_cluster.Bootstrap, mechanism, "alice", password));

    [Test]
    public async Task ConfluentKafka_Plain_ProducesAndConsumes_ReplicatedOverInterBrokerSasl()
    {
        string topic = Topic("plain");
        using (var admin = new AdminClientBuilder(Alice()).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
        // acks=all with three replicas: answered only once both followers fetched over their SASL connections.
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(Alice()) { Acks = Acks.All }).Build())
        {
            for (int i = 0; i < 20; i++) await producer.ProduceAsync(topic, new Message<Null, string> { Value = "v" + i });
        }

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig(Alice())
        {
            GroupId = "g-" + topic, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var seen = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 20 && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } r) seen.Add(r.Message.Value);
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 20).Select(i => "v" + i)));
        Assert.That(string.Join("\n", _cluster.Brokers.SelectMany(b => b.Output)), Does.Contain("authenticated as User:broker"),
            "followers and the controller authenticated as the broker user");
    }

    [Test]
    public async Task ScramUser_FromTheAdminApi_IsDescribed_AndAuthenticatesOnEveryBroker()
    {
        using (var admin = new AdminClientBuilder(Alice()).Build())
        {
            await admin.AlterUserScramCredentialsAsync(
            [
                new UserScramCredentialUpsertion
                {
                    User = "bob", Password = Encoding.UTF8.GetBytes("bob-secret"),
                    ScramCredentialInfo = new ScramCredentialInfo { Mechanism = Confluent.Kafka.Admin.ScramMechanism.ScramSha512, Iterations = 8192 },
                },
            ]);
            var described = await admin.DescribeUserScramCredentialsAsync(["bob"]);
            var info = described.UserScramCredentialsDescriptions.Single().ScramCredentialInfos.Single();
            Assert.That(info.Mechanism, Is.EqualTo(Confluent.Kafka.Admin.ScramMechanism.ScramSha512));
            Assert.That(info.Iterations, Is.EqualTo(8192));

            var missing = Assert.ThrowsAsync<DescribeUserScramCredentialsException>(() => admin.DescribeUserScramCredentialsAsync(["nobody"]));
            Assert.That(missing!.Results.UserScramCredentialsDescriptions.Single().Error.Code, Is.EqualTo(ErrorCode.ResourceNotFound));
        }

        foreach (var broker in _cluster.Brokers)
            await AssertKcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-512", "bob", "bob-secret");
        await AssertKcatRefusedAsync(_cluster.Brokers[0].BootstrapServers, "SCRAM-SHA-512", "bob", "bob-wrong");
        await AssertKcatRefusedAsync(_cluster.Brokers[0].BootstrapServers, "SCRAM-SHA-256", "bob", "bob-secret"); // no 256 credential
    }

    [Test]
    public async Task ScramUser_WrittenStraightToZooKeeper_AuthenticatesOnEveryBroker()
    {
        // What bin/configs.sh --zookeeper does: Kafka's /config/users/<u> JSON and a change notification.
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var credential = ScramCredential.FromPassword(Broker.Coordination.Scram.ScramMechanism.Sha256, "carol-secret", 4096);
        await new KafkaZkStore(zk).UpdateUserConfigAsync("carol", _ => new Dictionary<string, string> { ["SCRAM-SHA-256"] = credential.Format() });
        foreach (var broker in _cluster.Brokers)
            await AssertKcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-256", "carol", "carol-secret");
    }

    [Test]
    public async Task ConfluentKafka_WrongPassword_IsAnAuthenticationError()
    {
        var errors = new List<Error>();
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(Alice(password: "nope")))
            .SetErrorHandler((_, e) => { lock (errors) errors.Add(e); }).Build();
        var delivery = producer.ProduceAsync(Topic("wrong"), new Message<Null, string> { Value = "x" });
        await Poll.UntilAsync(() => { lock (errors) return errors.Any(e => e.Code == ErrorCode.Local_Authentication); },
            TimeSpan.FromSeconds(20), "librdkafka to report the authentication failure");
        lock (errors) Assert.That(errors.First(e => e.Code == ErrorCode.Local_Authentication).Reason, Does.Contain("Invalid username or password"));
        Assert.That(delivery.IsCompletedSuccessfully, Is.False);
    }

    [Test]
    public async Task KafkaPython_PlainAndScram_ProduceAndConsume()
    {
        await CreateScramUserAsync("dave", "dave-secret", Confluent.Kafka.Admin.ScramMechanism.ScramSha512);
        foreach (var (mechanism, user, password) in new[] { ("PLAIN", "alice", SaslCluster.AlicePassword), ("SCRAM-SHA-512", "dave", "dave-secret") })
        {
            string topic = Topic("kp");
            using (var admin = new AdminClientBuilder(Alice()).Build())
                await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
            var run = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", $$"""
from kafka import KafkaProducer, KafkaConsumer
kw = dict(bootstrap_servers='{{_cluster.Bootstrap}}', security_protocol='SASL_PLAINTEXT', sasl_mechanism='{{mechanism}}',
          sasl_plain_username='{{user}}', sasl_plain_password='{{password}}')
p = KafkaProducer(**kw)
for i in range(5): p.send('{{topic}}', b'm%d' % i).get(timeout=30)
p.close()
c = KafkaConsumer('{{topic}}', auto_offset_reset='earliest', consumer_timeout_ms=15000, **kw)
print(','.join(sorted(m.value.decode() for m in c)))
"""], timeout: TimeSpan.FromSeconds(90));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
            Assert.That(run.StandardOutput.Trim(), Is.EqualTo("m0,m1,m2,m3,m4"), mechanism);
        }
    }

    [Test]
    public async Task ConfluentKafkaPython_Scram256_ProducesAndConsumes_WrongPasswordFails()
    {
        // Written to ZooKeeper (bin/configs.sh --zookeeper's path): a SCRAM-SHA-256 upsert through librdkafka's admin
        // API did not authenticate afterwards (open finding, see the report); SHA-512 through the API does.
        await using (var zk = await _cluster.ConnectZooKeeperAsync())
        {
            var credential = ScramCredential.FromPassword(Broker.Coordination.Scram.ScramMechanism.Sha256, "erin-secret", 4096);
            await new KafkaZkStore(zk).UpdateUserConfigAsync("erin", _ => new Dictionary<string, string> { ["SCRAM-SHA-256"] = credential.Format() });
        }

        foreach (var broker in _cluster.Brokers)
            await AssertKcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-256", "erin", "erin-secret");
        string topic = Topic("ckp");
        var run = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", $$"""
import confluent_kafka as ck
conf = {'bootstrap.servers': '{{_cluster.Bootstrap}}', 'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': 'erin', 'sasl.password': 'erin-secret'}
p = ck.Producer(conf)
for i in range(5): p.produce('{{topic}}', b'm%d' % i)
assert p.flush(30) == 0
c = ck.Consumer(dict(conf, **{'group.id': 'g-{{topic}}', 'auto.offset.reset': 'earliest'}))
c.subscribe(['{{topic}}'])
got = []
import time
end = time.time() + 30
while len(got) < 5 and time.time() < end:
    m = c.poll(1)
    if m is not None and m.error() is None: got.append(m.value().decode())
print(','.join(sorted(got)))
errs = []
bad = ck.Producer(dict(conf, **{'sasl.password': 'wrong', 'error_cb': lambda e: errs.append(e)}))
bad.produce('{{topic}}', b'x'); bad.flush(5)
print('AUTH' if any(e.code() == ck.KafkaError._AUTHENTICATION for e in errs) else 'NOAUTH')
"""], timeout: TimeSpan.FromSeconds(90));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(run.StandardOutput.Split('\n')[0].Trim(), Is.EqualTo("m0,m1,m2,m3,m4"));
        Assert.That(run.StandardOutput, Does.Contain("AUTH").And.Not.Contain("NOAUTH"));
    }

    [Test]
    public async Task Kafkajs_Scram512AndPlain_ProduceAndConsume()
    {
        string dir = Path.Combine(RepoPaths.Root, "tests", "Broker.FaultSuite", "js");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "kafkajs")) || !File.Exists("/usr/bin/node"))
            Assert.Ignore("node and kafkajs (npm install in tests/Broker.FaultSuite/js) are needed");
        await CreateScramUserAsync("frank", "frank-secret", Confluent.Kafka.Admin.ScramMechanism.ScramSha512);
        foreach (var (mechanism, user, password) in new[] { ("scram-sha-512", "frank", "frank-secret"), ("plain", "alice", SaslCluster.AlicePassword) })
        {
            string topic = Topic("js");
            string brokers = string.Join(",", _cluster.Brokers.Select(b => $"'{b.BootstrapServers}'"));
            var run = await ExternalProcess.RunAsync("/usr/bin/node", ["-e", $$"""
const { Kafka, logLevel } = require('kafkajs');
const kafka = new Kafka({ brokers: [{{brokers}}], logLevel: logLevel.NOTHING,
  sasl: { mechanism: '{{mechanism}}', username: '{{user}}', password: '{{password}}' } });
(async () => {
  const p = kafka.producer(); await p.connect();
  await p.send({ topic: '{{topic}}', messages: [0,1,2].map(i => ({ value: 'm' + i })) }); await p.disconnect();
  const c = kafka.consumer({ groupId: 'g-{{topic}}' }); await c.connect();
  await c.subscribe({ topic: '{{topic}}', fromBeginning: true });
  const got = [];
  await new Promise(resolve => c.run({ eachMessage: async ({ message }) => { got.push(message.value.toString()); if (got.length === 3) resolve(); } }));
  await c.disconnect(); console.log(got.sort().join(','));
  const bad = new Kafka({ brokers: [{{brokers}}], logLevel: logLevel.NOTHING, retry: { retries: 0 },
    sasl: { mechanism: '{{mechanism}}', username: '{{user}}', password: 'wrong' } }).producer();
  try { await bad.connect(); console.log('CONNECTED'); } catch (e) { console.log('REFUSED ' + e.name); }
})().catch(e => { console.error(e); process.exit(1); });
"""], timeout: TimeSpan.FromSeconds(90), workingDirectory: dir);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
            Assert.That(run.StandardOutput, Does.Contain("m0,m1,m2"), mechanism);
            Assert.That(run.StandardOutput, Does.Contain("REFUSED KafkaJSSASLAuthenticationError"), mechanism);
        }
    }

    [Test]
    public async Task FollowerWithWrongCredentials_NeverJoinsTheIsr()
    {
        int port = FreePort.Next();
        var settings = SaslCluster.Settings(port, brokerPassword: "not-the-broker-password");
        settings["zookeeper.connect"] = _cluster.ZooKeeper.ConnectString;
        settings["zookeeper.session.timeout.ms"] = TestCluster.SessionTimeoutMs.ToString();
        using var intruder = new BrokerProcess(4, settings, port);
        await intruder.StartAsync();

        // Created while broker 4 is registered, so the first ISR lists it; it cannot fetch, so the leader drops it.
        string topic = Topic("isr");
        using (var admin = new AdminClientBuilder(Alice()).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1,
                ReplicasAssignments = new Dictionary<int, List<int>> { [0] = [1, 2, 4] },
            }]);
        }

        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(Alice()) { Acks = Acks.All }).Build();
        await producer.ProduceAsync(topic, new Message<Null, string> { Value = "first" });
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var store = new KafkaZkStore(zk);
        await Poll.UntilAsync(async () => (await store.GetPartitionStateAsync(topic, 0))?.State.Isr.SequenceEqual([1, 2]) == true,
            TimeSpan.FromSeconds(30), "the leader to drop broker 4 from the ISR");

        // An observation window: records keep flowing and broker 4 never gets back in.
        var until = DateTime.UtcNow.AddSeconds(6);
        while (DateTime.UtcNow < until)
        {
            await producer.ProduceAsync(topic, new Message<Null, string> { Value = "more" });
            var state = (await store.GetPartitionStateAsync(topic, 0))!.State;
            Assert.That(state.Isr, Does.Not.Contain(4), "a follower that cannot authenticate joined the ISR");
            await Task.Delay(500);
        }

        Assert.That(string.Join("\n", intruder.Output), Does.Contain("refused this broker's SASL credentials"));
        intruder.Stop();
    }

    [Test]
    public async Task ConfigsTool_AddsDescribesAndDeletesScramUsers_ThroughZooKeeperAndBootstrap()
    {
        var viaZk = await ConfigsAsync("--zookeeper", _cluster.ZooKeeper.ConnectString, "--alter", "--add-config",
            "SCRAM-SHA-512=[iterations=8192,password=gina-secret]", "--entity-type", "users", "--entity-name", "gina");
        Assert.That(viaZk.StandardOutput, Does.Contain("Completed updating config for entity: user-principal 'gina'."));
        foreach (var broker in _cluster.Brokers) await AssertKcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-512", "gina", "gina-secret");

        using var dir = new TempDirectory("configs");
        string commandConfig = Path.Combine(dir.Path, "admin.properties");
        File.WriteAllLines(commandConfig,
        [
            "security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN",
            $"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"{SaslCluster.AlicePassword}\";",
        ]);
        string[] bootstrap = ["--bootstrap-server", _cluster.Bootstrap, "--command-config", commandConfig];
        var described = await ConfigsAsync([.. bootstrap, "--describe", "--entity-type", "users", "--entity-name", "gina"]);
        Assert.That(described.StandardOutput.Trim(), Is.EqualTo("SCRAM credential configs for user-principal 'gina' are SCRAM-SHA-512=iterations=8192"));

        var added = await ConfigsAsync([.. bootstrap, "--alter", "--add-config", "SCRAM-SHA-512=[password=hank-secret]", "--user", "hank"]);
        Assert.That(added.StandardOutput.Trim(), Is.EqualTo("Completed updating config for user hank."));
        foreach (var broker in _cluster.Brokers) await AssertKcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-512", "hank", "hank-secret");

        var deleted = await ConfigsAsync([.. bootstrap, "--alter", "--delete-config", "SCRAM-SHA-512", "--entity-type", "users", "--entity-name", "gina"]);
        Assert.That(deleted.StandardOutput.Trim(), Is.EqualTo("Completed updating config for user gina."));
        foreach (var broker in _cluster.Brokers)
        {
            await Poll.UntilAsync(async () => (await ExternalProcess.RunAsync("kcat",
                    [.. SaslCluster.KcatArgs(broker.BootstrapServers, "SCRAM-SHA-512", "gina", "gina-secret"), "-L", "-m", "3"])).ExitCode != 0,
                TimeSpan.FromSeconds(30), "the deleted credential to be refused at " + broker.BootstrapServers);
        }

        var zkDescribe = await ConfigsAsync("--zookeeper", _cluster.ZooKeeper.ConnectString, "--describe", "--entity-type", "users", "--entity-name", "hank");
        Assert.That(zkDescribe.StandardOutput, Does.Match("Configs for user-principal 'hank' are SCRAM-SHA-512=salt=[^,]+,stored_key=[^,]+,server_key=[^,]+,iterations=4096"));

        var refused = await ConfigsAsync([.. bootstrap, "--alter", "--add-config", "producer_byte_rate=1024", "--user", "hank"], expectSuccess: false);
        Assert.That(refused.StandardError + refused.StandardOutput, Does.Contain("Invalid config(s): producer_byte_rate"));
    }

    private static async Task<ProcessResult> ConfigsAsync(params string[] args) => await ConfigsAsync(args, expectSuccess: true);

    private static async Task<ProcessResult> ConfigsAsync(string[] args, bool expectSuccess)
    {
        var run = await ExternalProcess.RunAsync("bash", ["bin/configs.sh", .. args], timeout: TimeSpan.FromMinutes(4), workingDirectory: RepoPaths.Root);
        if (expectSuccess) Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardOutput + run.StandardError);
        else Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        return run;
    }

    private async Task CreateScramUserAsync(string user, string password, Confluent.Kafka.Admin.ScramMechanism mechanism)
    {
        using var admin = new AdminClientBuilder(Alice()).Build();
        await admin.AlterUserScramCredentialsAsync(
        [
            new UserScramCredentialUpsertion
            {
                User = user, Password = Encoding.UTF8.GetBytes(password),
                ScramCredentialInfo = new ScramCredentialInfo { Mechanism = mechanism, Iterations = 4096 },
            },
        ]);
        foreach (var broker in _cluster.Brokers)
            await AssertKcatListsAsync(broker.BootstrapServers, mechanism == Confluent.Kafka.Admin.ScramMechanism.ScramSha512 ? "SCRAM-SHA-512" : "SCRAM-SHA-256", user, password);
    }

    /// <summary>kcat -L through that broker alone succeeds (polled: a new credential reaches every broker's cache).</summary>
    private static async Task AssertKcatListsAsync(string bootstrap, string mechanism, string user, string password)
    {
        ProcessResult? last = null;
        await Poll.UntilAsync(async () =>
        {
            last = await ExternalProcess.RunAsync("kcat", [.. SaslCluster.KcatArgs(bootstrap, mechanism, user, password), "-L", "-m", "5"]);
            return last.ExitCode == 0;
        }, TimeSpan.FromSeconds(30), $"{user} to authenticate with {mechanism} at {bootstrap}");
        Assert.That(last!.StandardOutput, Does.Contain(" brokers:"));
    }

    private static async Task AssertKcatRefusedAsync(string bootstrap, string mechanism, string user, string password)
    {
        var run = await ExternalProcess.RunAsync("kcat", [.. SaslCluster.KcatArgs(bootstrap, mechanism, user, password), "-L", "-m", "3"]);
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        Assert.That(run.StandardError, Does.Contain("SASL authentication error"));
    }
}
