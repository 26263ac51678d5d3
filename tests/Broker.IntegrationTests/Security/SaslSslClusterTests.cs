using System.Text;
using Broker.Coordination;
using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.Tls;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// Three brokers whose only listener is SASL_SSL (SASL over TLS): every client library produces and consumes with PLAIN
/// and SCRAM-SHA-512, a wrong password is an authentication error, replication runs over inter-broker SASL_SSL, and a
/// follower with wrong credentials never joins the ISR. Clients trust the test CA; the broker certificate names 127.0.0.1.
/// </summary>
[TestFixture]
public sealed class SaslSslClusterTests
{
    private TestCertificates _certs = null!;
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _certs = await TestCertificates.CreateAsync();
        _cluster = await TestCluster.StartAsync(3, perBroker: (_, port) => SaslCluster.Settings(port, tls: _certs));
        using var admin = new AdminClientBuilder(Client("PLAIN", "alice", SaslCluster.AlicePassword)).Build();
        await admin.AlterUserScramCredentialsAsync(
        [
            new UserScramCredentialUpsertion
            {
                User = "scram512", Password = Encoding.UTF8.GetBytes("scram512-secret"),
                ScramCredentialInfo = new ScramCredentialInfo { Mechanism = ScramMechanism.ScramSha512, Iterations = 4096 },
            },
            new UserScramCredentialUpsertion
            {
                User = "scram256", Password = Encoding.UTF8.GetBytes("scram256-secret"),
                ScramCredentialInfo = new ScramCredentialInfo { Mechanism = ScramMechanism.ScramSha256, Iterations = 4096 },
            },
        ]);
        foreach (var broker in _cluster.Brokers)
        {
            await KcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-512", "scram512", "scram512-secret");
            await KcatListsAsync(broker.BootstrapServers, "SCRAM-SHA-256", "scram256", "scram256-secret");
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
        _certs.Dispose();
    }

    /// <summary>The two logins every client library is tried with.</summary>
    private static readonly (string Mechanism, string User, string Password)[] Logins =
        [("PLAIN", "alice", SaslCluster.AlicePassword), ("SCRAM-SHA-512", "scram512", "scram512-secret")];

    private static string Topic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private ClientConfig Client(string mechanism, string user, string password) =>
        new(SaslCluster.Client(_cluster.Bootstrap, mechanism, user, password, _certs.CaPem));

    private async Task CreateTopicAsync(string topic)
    {
        using var admin = new AdminClientBuilder(Client("PLAIN", "alice", SaslCluster.AlicePassword)).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
    }

    [TestCase("PLAIN", "alice", SaslCluster.AlicePassword)]
    [TestCase("SCRAM-SHA-512", "scram512", "scram512-secret")]
    public async Task ConfluentKafka_ProducesAndConsumes_ReplicatedOverInterBrokerSaslSsl(string mechanism, string user, string password)
    {
        string topic = Topic("ss-net");
        await CreateTopicAsync(topic);
        var client = Client(mechanism, user, password);
        // acks=all with three replicas: answered only once both followers fetched over their SASL_SSL connections.
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(client) { Acks = Acks.All }).Build())
        {
            for (int i = 0; i < 10; i++) await producer.ProduceAsync(topic, new Message<Null, string> { Value = "v" + i });
        }

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig(client)
        {
            GroupId = "g-" + topic, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var seen = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 10 && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } r) seen.Add(r.Message.Value);
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 10).Select(i => "v" + i)));
        var output = _cluster.Brokers.SelectMany(b => b.Output).ToList();
        Assert.That(output, Has.Some.Contains("authenticated as User:broker"), "followers and the controller authenticated as the broker user");
        Assert.That(output, Has.None.Contains("TLS handshake failed"));
    }

    [Test]
    public async Task ConfluentKafka_WrongPassword_IsAnAuthenticationError()
    {
        var errors = new List<Error>();
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(Client("SCRAM-SHA-512", "scram512", "nope")))
            .SetErrorHandler((_, e) => { lock (errors) errors.Add(e); }).Build();
        var delivery = producer.ProduceAsync(Topic("ss-wrong"), new Message<Null, string> { Value = "x" });
        await Poll.UntilAsync(() => { lock (errors) return errors.Any(e => e.Code == ErrorCode.Local_Authentication); },
            TimeSpan.FromSeconds(20), "librdkafka to report the authentication failure");
        lock (errors) Assert.That(errors.First(e => e.Code == ErrorCode.Local_Authentication).Reason, Does.Contain("invalid credentials"));
        Assert.That(delivery.IsCompletedSuccessfully, Is.False);
    }

    [Test]
    public async Task Kcat_ProducesAndConsumes_WithPlainAndScram_AndScram256FromTheAdminApi_WrongPasswordRefused()
    {
        foreach (var (mechanism, user, password) in Logins.Append(("SCRAM-SHA-256", "scram256", "scram256-secret")))
        {
            string topic = Topic("ss-kcat");
            await CreateTopicAsync(topic);
            string[] args = SaslCluster.KcatArgs(_cluster.Bootstrap, mechanism, user, password, _certs.CaPem);
            var produced = await ExternalProcess.RunAsync("bash", ["-c",
                "printf 'k1:a\\nk2:b\\nk3:c\\n' | kcat " + string.Join(' ', args.Select(a => $"'{a}'")) + $" -t {topic} -P -K: -X acks=all"]);
            Assert.That(produced.ExitCode, Is.EqualTo(0), mechanism + ": " + produced.StandardError);
            var consumed = await ExternalProcess.RunAsync("kcat", [.. args, "-t", topic, "-C", "-e", "-o", "beginning", "-f", "%k=%s\\n"],
                timeout: TimeSpan.FromSeconds(60));
            Assert.That(consumed.ExitCode, Is.EqualTo(0), mechanism + ": " + consumed.StandardError);
            Assert.That(consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "k1=a", "k2=b", "k3=c" }), mechanism);

            var refused = await ExternalProcess.RunAsync("kcat",
                [.. SaslCluster.KcatArgs(_cluster.Bootstrap, mechanism, user, "wrong", _certs.CaPem), "-L", "-m", "3"]);
            Assert.That(refused.ExitCode, Is.Not.EqualTo(0), mechanism);
            Assert.That(refused.StandardError, Does.Contain("SASL authentication error"), mechanism);
        }
    }

    [Test]
    public async Task PythonClients_ProduceAndConsume_WithPlainAndScram_WrongPasswordFails()
    {
        foreach (var (mechanism, user, password) in Logins)
        {
            string topic = Topic("ss-py");
            await CreateTopicAsync(topic);
            var run = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", $$"""
import time
import confluent_kafka as ck
from kafka import KafkaProducer, KafkaConsumer
conf = {'bootstrap.servers': '{{_cluster.Bootstrap}}', 'security.protocol': 'SASL_SSL', 'ssl.ca.location': '{{_certs.CaPem}}',
        'sasl.mechanism': '{{mechanism}}', 'sasl.username': '{{user}}', 'sasl.password': '{{password}}'}
p = ck.Producer(conf)
for i in range(3): p.produce('{{topic}}', b'c%d' % i)
assert p.flush(30) == 0
kw = dict(bootstrap_servers='{{_cluster.Bootstrap}}', security_protocol='SASL_SSL', ssl_cafile='{{_certs.CaPem}}',
          sasl_mechanism='{{mechanism}}', sasl_plain_username='{{user}}', sasl_plain_password='{{password}}')
kp = KafkaProducer(**kw)
for i in range(3): kp.send('{{topic}}', b'k%d' % i).get(timeout=30)
kp.close()
kc = KafkaConsumer('{{topic}}', auto_offset_reset='earliest', consumer_timeout_ms=15000, **kw)
print('kafka-python', ','.join(sorted(m.value.decode() for m in kc)))
kc.close()
c = ck.Consumer(dict(conf, **{'group.id': 'g-{{topic}}', 'auto.offset.reset': 'earliest'}))
c.subscribe(['{{topic}}'])
got = []
end = time.time() + 30
while len(got) < 6 and time.time() < end:
    m = c.poll(1)
    if m is not None and m.error() is None: got.append(m.value().decode())
c.close()
print('confluent-kafka', ','.join(sorted(got)))
errs = []
bad = ck.Producer(dict(conf, **{'sasl.password': 'wrong', 'error_cb': lambda e: errs.append(e)}))
bad.produce('{{topic}}', b'x'); bad.flush(5)
print('confluent-kafka-wrong', 'AUTH' if any(e.code() == ck.KafkaError._AUTHENTICATION for e in errs) else 'NOAUTH')
try:
    KafkaProducer(**dict(kw, sasl_plain_password='wrong'))
    print('kafka-python-wrong CONNECTED')
except Exception as e:
    print('kafka-python-wrong', type(e).__name__)
"""], timeout: TimeSpan.FromSeconds(120));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
            Assert.That(run.StandardOutput, Does.Contain("kafka-python c0,c1,c2,k0,k1,k2"), mechanism);
            Assert.That(run.StandardOutput, Does.Contain("confluent-kafka c0,c1,c2,k0,k1,k2"), mechanism);
            Assert.That(run.StandardOutput, Does.Contain("confluent-kafka-wrong AUTH"), mechanism);
            Assert.That(run.StandardOutput, Does.Contain("kafka-python-wrong").And.Not.Contain("CONNECTED"), mechanism);
        }
    }

    [Test]
    public async Task Kafkajs_ProducesAndConsumes_WithScram512AndPlain_WrongPasswordRefused()
    {
        string dir = Path.Combine(RepoPaths.Root, "tests", "Broker.FaultSuite", "js");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "kafkajs")) || !File.Exists("/usr/bin/node"))
            Assert.Ignore("node and kafkajs (npm install in tests/Broker.FaultSuite/js) are needed");
        foreach (var (mechanism, user, password) in Logins)
        {
            string topic = Topic("ss-js");
            string brokers = string.Join(",", _cluster.Brokers.Select(b => $"'{b.BootstrapServers}'"));
            var run = await ExternalProcess.RunAsync("/usr/bin/node", ["-e", $$"""
const fs = require('fs');
const { Kafka, logLevel } = require('kafkajs');
const ssl = { ca: [fs.readFileSync('{{_certs.CaPem}}', 'utf-8')] };
const kafka = new Kafka({ brokers: [{{brokers}}], logLevel: logLevel.NOTHING, ssl,
  sasl: { mechanism: '{{mechanism.ToLowerInvariant()}}', username: '{{user}}', password: '{{password}}' } });
(async () => {
  const p = kafka.producer(); await p.connect();
  await p.send({ topic: '{{topic}}', messages: [0,1,2].map(i => ({ value: 'm' + i })) }); await p.disconnect();
  const c = kafka.consumer({ groupId: 'g-{{topic}}' }); await c.connect();
  await c.subscribe({ topic: '{{topic}}', fromBeginning: true });
  const got = [];
  await new Promise(resolve => c.run({ eachMessage: async ({ message }) => { got.push(message.value.toString()); if (got.length === 3) resolve(); } }));
  await c.disconnect(); console.log(got.sort().join(','));
  const bad = new Kafka({ brokers: [{{brokers}}], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ssl,
    sasl: { mechanism: '{{mechanism.ToLowerInvariant()}}', username: '{{user}}', password: 'wrong' } }).producer();
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
        var settings = SaslCluster.Settings(port, brokerPassword: "not-the-broker-password", tls: _certs);
        settings["zookeeper.connect"] = _cluster.ZooKeeper.ConnectString;
        settings["zookeeper.session.timeout.ms"] = TestCluster.SessionTimeoutMs.ToString();
        using var intruder = new BrokerProcess(4, settings, port);
        await intruder.StartAsync();

        // Created while broker 4 is registered, so the first ISR lists it; it cannot fetch, so the leader drops it.
        string topic = Topic("ss-isr");
        var alice = Client("PLAIN", "alice", SaslCluster.AlicePassword);
        using (var admin = new AdminClientBuilder(alice).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1,
                ReplicasAssignments = new Dictionary<int, List<int>> { [0] = [1, 2, 4] },
            }]);
        }

        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(alice) { Acks = Acks.All }).Build();
        await producer.ProduceAsync(topic, new Message<Null, string> { Value = "first" });
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var store = new KafkaZkStore(zk);
        await Poll.UntilAsync(async () => (await store.GetPartitionStateAsync(topic, 0))?.State.Isr.SequenceEqual([1, 2]) == true,
            TimeSpan.FromSeconds(30), "the leader to drop broker 4 from the ISR");

        var until = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < until)
        {
            await producer.ProduceAsync(topic, new Message<Null, string> { Value = "more" });
            Assert.That((await store.GetPartitionStateAsync(topic, 0))!.State.Isr, Does.Not.Contain(4), "a follower that cannot authenticate joined the ISR");
            await Task.Delay(500);
        }

        Assert.That(string.Join("\n", intruder.Output), Does.Contain("refused this broker's SASL credentials"));
        intruder.Stop();
    }

    /// <summary>kcat -L through that broker alone succeeds (polled: a new credential reaches every broker's cache).</summary>
    private async Task KcatListsAsync(string bootstrap, string mechanism, string user, string password)
    {
        ProcessResult? last = null;
        await Poll.UntilAsync(async () =>
        {
            last = await ExternalProcess.RunAsync("kcat", [.. SaslCluster.KcatArgs(bootstrap, mechanism, user, password, _certs.CaPem), "-L", "-m", "5"]);
            return last.ExitCode == 0;
        }, TimeSpan.FromSeconds(30), $"{user} to authenticate with {mechanism} at {bootstrap}");
        Assert.That(last!.StandardOutput, Does.Contain(" brokers:"));
    }
}
