using System.Net.Sockets;
using System.Text;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.Tls;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Tls;

/// <summary>
/// One broker with a PLAINTEXT listener and an SSL listener (PKCS12 key store, PEM trust store, ssl.client.auth=requested),
/// certificates made with openssl at test time. Real clients produce and consume over TLS; bad certificates and
/// non-TLS bytes are refused without harming the broker.
/// </summary>
[TestFixture]
public sealed class TlsListenerTests
{
    private static readonly string JsDir = Path.Combine(RepoPaths.Root, "tests", "Broker.FaultSuite", "js");
    private TestCertificates _certs = null!;
    private BrokerProcess _broker = null!;
    private int _sslPort;

    private string SslBootstrap => $"localhost:{_sslPort}";

    [OneTimeSetUp]
    public async Task Start()
    {
        _certs = await TestCertificates.CreateAsync();
        int port = FreePort.Next();
        _sslPort = FreePort.Next();
        _broker = new BrokerProcess(0, new Dictionary<string, string>
        {
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{port},SSL://localhost:{_sslPort}",
            ["ssl.keystore.type"] = "PKCS12",
            ["ssl.keystore.location"] = _certs.BrokerP12,
            ["ssl.keystore.password"] = TestCertificates.Password,
            ["ssl.truststore.type"] = "PEM",
            ["ssl.truststore.location"] = _certs.CaPem,
            ["ssl.client.auth"] = "requested",
        }, port);
        await _broker.StartAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_broker.OutputTail(200));
        _broker.Dispose();
        _certs.Dispose();
    }

    private static string Topic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private ClientConfig Ssl(bool withClientCertificate = false)
    {
        var config = new ClientConfig { BootstrapServers = SslBootstrap, SecurityProtocol = SecurityProtocol.Ssl, SslCaLocation = _certs.CaPem };
        if (withClientCertificate)
        {
            config.SslCertificateLocation = _certs.ClientCertificate;
            config.SslKeyLocation = _certs.ClientKey;
        }

        return config;
    }

    [Test]
    public async Task ConfluentKafka_ProducesAndConsumes_OverSsl_AndMetadataAdvertisesTheSslListener()
    {
        string topic = Topic("tls-net");
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(Ssl())).Build())
        {
            for (int i = 0; i < 10; i++) await producer.ProduceAsync(topic, new Message<Null, string> { Value = "m" + i });
        }

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig(Ssl()) { GroupId = topic, AutoOffsetReset = AutoOffsetReset.Earliest }).Build();
        consumer.Subscribe(topic);
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < 10 && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } r) values.Add(r.Message.Value);
        Assert.That(values, Is.EqualTo(Enumerable.Range(0, 10).Select(i => "m" + i)));

        using var admin = new AdminClientBuilder(new AdminClientConfig(Ssl())).Build();
        var broker = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Single();
        Assert.That($"{broker.Host}:{broker.Port}", Is.EqualTo(SslBootstrap));
    }

    [Test]
    public async Task Kcat_ProducesAndConsumes_OverSsl_WithClientCertificate_AndThePrincipalIsTheSubjectDn()
    {
        string topic = Topic("tls-kcat");
        string[] ssl = ["-b", SslBootstrap, "-X", "security.protocol=SSL", "-X", $"ssl.ca.location={_certs.CaPem}",
            "-X", $"ssl.certificate.location={_certs.ClientCertificate}", "-X", $"ssl.key.location={_certs.ClientKey}"];
        var produce = await ExternalProcess.RunAsync("kcat", [.. ssl, "-t", topic, "-P"], Encoding.UTF8.GetBytes("a\nb\nc\n"));
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);
        var consume = await ExternalProcess.RunAsync("kcat", [.. ssl, "-t", topic, "-C", "-o", "beginning", "-e", "-q"]);
        Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
        Assert.That(consume.StandardOutput, Is.EqualTo("a\nb\nc\n"));
        await Poll.UntilAsync(() => _broker.Output.Any(l => l.Contains("principal " + TestCertificates.ClientPrincipal)),
            TimeSpan.FromSeconds(10), "the broker to log the client's principal");
    }

    [Test]
    public async Task PythonClients_ConfluentKafkaAndKafkaPython_ProduceAndConsume_OverSsl()
    {
        string topic = Topic("tls-py");
        string script = $$"""
            import confluent_kafka, kafka, sys
            conf = {'bootstrap.servers': '{{SslBootstrap}}', 'security.protocol': 'SSL', 'ssl.ca.location': '{{_certs.CaPem}}'}
            p = confluent_kafka.Producer(conf)
            for i in range(5): p.produce('{{topic}}', value=b'ck%d' % i)
            assert p.flush(30) == 0
            kp = kafka.KafkaProducer(bootstrap_servers='{{SslBootstrap}}', security_protocol='SSL', ssl_cafile='{{_certs.CaPem}}')
            for i in range(5): kp.send('{{topic}}', b'kp%d' % i).get(timeout=30)
            kp.close()
            kc = kafka.KafkaConsumer('{{topic}}', bootstrap_servers='{{SslBootstrap}}', security_protocol='SSL', ssl_cafile='{{_certs.CaPem}}',
                                     auto_offset_reset='earliest', consumer_timeout_ms=10000)
            got = sorted(m.value.decode() for m in kc)
            c = confluent_kafka.Consumer(dict(conf, **{'group.id': 'g-{{topic}}', 'auto.offset.reset': 'earliest'}))
            c.subscribe(['{{topic}}'])
            got2 = []
            import time
            end = time.time() + 30
            while len(got2) < 10 and time.time() < end:
                m = c.poll(1)
                if m is not None and m.error() is None: got2.append(m.value().decode())
            c.close()
            print(','.join(got)); print(','.join(sorted(got2)))
            """;
        var run = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script], timeout: TimeSpan.FromSeconds(90));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        string expected = "ck0,ck1,ck2,ck3,ck4,kp0,kp1,kp2,kp3,kp4";
        Assert.That(run.StandardOutput.Trim().Split('\n'), Is.EqualTo(new[] { expected, expected }));
    }

    [Test]
    public async Task Kafkajs_ProducesAndConsumes_OverSsl()
    {
        if (!Directory.Exists(Path.Combine(JsDir, "node_modules", "kafkajs")) || !File.Exists("/usr/bin/node"))
            Assert.Ignore("node and kafkajs (npm ci in tests/Broker.FaultSuite/js) are needed");
        string topic = Topic("tls-js");
        string script = $$"""
            const { Kafka, logLevel } = require('kafkajs');
            const fs = require('fs');
            const kafka = new Kafka({ brokers: ['{{SslBootstrap}}'], ssl: { ca: [fs.readFileSync('{{_certs.CaPem}}', 'utf-8')] }, logLevel: logLevel.NOTHING });
            (async () => {
              const admin = kafka.admin(); await admin.connect();
              await admin.createTopics({ topics: [{ topic: '{{topic}}', numPartitions: 1 }] }); await admin.disconnect();
              const p = kafka.producer(); await p.connect();
              await p.send({ topic: '{{topic}}', messages: [0,1,2,3,4].map(i => ({ value: 'js' + i })) }); await p.disconnect();
              const c = kafka.consumer({ groupId: 'g-{{topic}}' }); await c.connect();
              await c.subscribe({ topic: '{{topic}}', fromBeginning: true });
              const got = [];
              await new Promise((resolve, reject) => {
                const t = setTimeout(() => reject(new Error('timeout, got ' + got)), 30000);
                c.run({ eachMessage: async ({ message }) => { got.push(message.value.toString()); if (got.length === 5) { clearTimeout(t); resolve(); } } });
              });
              await c.disconnect();
              console.log(got.join(','));
            })().catch(e => { console.error(e); process.exit(1); });
            """;
        var run = await ExternalProcess.RunAsync("/usr/bin/node", ["-e", script], timeout: TimeSpan.FromSeconds(90), workingDirectory: JsDir);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardOutput + run.StandardError);
        Assert.That(run.StandardOutput.Trim(), Is.EqualTo("js0,js1,js2,js3,js4"));
    }

    [TestCase("expired")]
    [TestCase("untrusted")]
    public async Task ClientCertificate_ExpiredOrFromAnUntrustedCa_IsRefused(string which)
    {
        var (cert, key) = which == "expired"
            ? (_certs.ExpiredClientCertificate, _certs.ExpiredClientKey)
            : (_certs.UntrustedClientCertificate, _certs.UntrustedClientKey);
        var list = await ExternalProcess.RunAsync("kcat", ["-b", SslBootstrap, "-X", "security.protocol=SSL", "-X", $"ssl.ca.location={_certs.CaPem}",
            "-X", $"ssl.certificate.location={cert}", "-X", $"ssl.key.location={key}", "-m", "5", "-L"], timeout: TimeSpan.FromSeconds(60));
        Assert.That(list.ExitCode, Is.Not.EqualTo(0), list.StandardOutput);
        Assert.That(_broker.Output, Has.Some.Contains("TLS handshake failed"));
        await AssertBrokerServesAsync();
    }

    [Test]
    public async Task BrokerCertificate_NotTrustedByTheClient_IsRefusedByTheClient()
    {
        var config = new AdminClientConfig(Ssl()) { SslCaLocation = _certs.OtherCaPem };
        using var admin = new AdminClientBuilder(config).Build();
        Assert.That(() => admin.GetMetadata(TimeSpan.FromSeconds(5)), Throws.InstanceOf<KafkaException>());
        await AssertBrokerServesAsync();
    }

    [TestCase("plaintext")]
    [TestCase("garbage")]
    public async Task NonTlsBytes_OnTheTlsPort_CloseTheConnection_AndTheBrokerIsUnharmed(string kind)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", _sslPort);
        // An ApiVersions v0 request in plaintext, or a TLS record header with a nonsense body.
        byte[] bytes = kind == "plaintext"
            ? [0, 0, 0, 14, 0, 18, 0, 0, 0, 0, 0, 1, 0, 4, 0x74, 0x65, 0x73, 0x74]
            : [0x16, 0x03, 0x01, 0x00, 0x20, .. Enumerable.Range(0, 32).Select(i => (byte)(i * 37))];
        await socket.SendAsync(bytes);
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        int total = 0;
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer, cts.Token);
            if (n == 0) break;
            total += n;
            Assert.That(buffer[0], Is.EqualTo(0x15), "anything the broker sends back is a TLS alert, never a Kafka response");
        }

        Assert.That(total, Is.LessThan(64));
        await AssertBrokerServesAsync();
    }

    private async Task AssertBrokerServesAsync()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig(Ssl())).Build();
        Assert.That(admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers, Has.Count.EqualTo(1));
        await Task.CompletedTask;
    }
}
