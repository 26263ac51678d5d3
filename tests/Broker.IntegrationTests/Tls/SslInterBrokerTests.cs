using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Broker.TestKit.Tls;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Tls;

/// <summary>
/// Three brokers whose only listener is SSL with ssl.client.auth=required and a PEM key store file: replica fetchers,
/// the controller's channel and controlled shutdown all connect as TLS clients presenting the broker's certificate.
/// A topic with replication factor 3 reaches a full ISR and acks=all produce succeeds.
/// </summary>
[TestFixture]
public sealed class SslInterBrokerTests
{
    private TestCertificates _certs = null!;
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _certs = await TestCertificates.CreateAsync();
        _cluster = await TestCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["listener.security.protocol.map"] = "SSL:SSL",
            ["security.inter.broker.protocol"] = "SSL",
            ["ssl.keystore.type"] = "PEM",
            ["ssl.keystore.location"] = _certs.BrokerKeystorePem,
            ["ssl.truststore.type"] = "PEM",
            ["ssl.truststore.location"] = _certs.CaPem,
            ["ssl.client.auth"] = "required",
        }, (_, port) => new Dictionary<string, string> { ["listeners"] = $"SSL://localhost:{port}" });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
        _certs.Dispose();
    }

    [Test]
    public async Task ReplicationFactor3_ReachesFullIsr_AndAcksAllProduceSucceeds_OverSsl()
    {
        var client = new ClientConfig
        {
            BootstrapServers = string.Join(",", _cluster.Brokers.Select(b => $"localhost:{b.Port}")),
            SecurityProtocol = SecurityProtocol.Ssl,
            SslCaLocation = _certs.CaPem,
            SslCertificateLocation = _certs.ClientCertificate,
            SslKeyLocation = _certs.ClientKey,
        };
        string topic = $"tls-isr-{Guid.NewGuid():N}"[..20];
        using (var admin = new AdminClientBuilder(new AdminClientConfig(client)).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 3 }]);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(client) { Acks = Acks.All }).Build())
        {
            for (int i = 0; i < 30; i++)
                await producer.ProduceAsync(new TopicPartition(topic, i % 3), new Message<Null, string> { Value = "v" + i });
        }

        using var check = new AdminClientBuilder(new AdminClientConfig(client)).Build();
        await Poll.UntilAsync(() =>
        {
            var t = check.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single();
            return t.Partitions.Count == 3 && t.Partitions.All(p => p.InSyncReplicas.Length == 3);
        }, TimeSpan.FromSeconds(30), "a full ISR on every partition");
        Assert.That(_cluster.Brokers.SelectMany(b => b.Output), Has.None.Contains("TLS handshake failed"));
        Assert.That(_cluster.Brokers.SelectMany(b => b.Output), Has.Some.Contains("principal User:CN=localhost,O=test"),
            "brokers authenticate to each other with their certificates");
    }
}
