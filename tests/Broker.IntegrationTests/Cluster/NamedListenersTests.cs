using System.Globalization;
using System.Text.Json.Nodes;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Kafka's listener model on three brokers and a real ZooKeeper: an INTERNAL and an EXTERNAL listener (both
/// PLAINTEXT, on different ports), inter.broker.listener.name=INTERNAL. Metadata answers each client with the endpoints
/// of the listener it used; brokers register every advertised endpoint; replication goes over INTERNAL only.
/// </summary>
[TestFixture]
public sealed class NamedListenersTests
{
    private readonly Dictionary<int, int> _external = [];
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() =>
        _cluster = await TestCluster.StartAsync(3, perBroker: (id, port) =>
        {
            int external = FreePort.Next();
            _external[id] = external;
            return new Dictionary<string, string>
            {
                ["listeners"] = $"INTERNAL://127.0.0.1:{port},EXTERNAL://127.0.0.1:{external}",
                ["advertised.listeners"] = $"INTERNAL://127.0.0.1:{port},EXTERNAL://localhost:{external}",
                ["listener.security.protocol.map"] = "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
                ["inter.broker.listener.name"] = "INTERNAL",
            };
        });

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    [Test]
    public void Metadata_OnEachListener_AnswersWithThatListenersEndpoints()
    {
        var internalView = BrokersSeenThrough($"127.0.0.1:{_cluster.Broker(2).Port}");
        var externalView = BrokersSeenThrough($"localhost:{_external[2]}");
        Assert.That(internalView, Is.EquivalentTo(_cluster.Brokers.Select(b => $"{b.BrokerId}=127.0.0.1:{b.Port}")));
        Assert.That(externalView, Is.EquivalentTo(_cluster.Brokers.Select(b => $"{b.BrokerId}=localhost:{_external[b.BrokerId]}")));
    }

    [Test]
    public async Task Brokers_RegisterEveryAdvertisedEndpoint_WithTheirProtocols()
    {
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var broker = JsonNode.Parse((await zk.GetDataAsync("/brokers/ids/3")).Data)!;
        var endpoints = broker["endpoints"]!.AsArray().Select(e => e!.GetValue<string>());
        Assert.That(endpoints, Is.EqualTo(new[] { $"INTERNAL://127.0.0.1:{_cluster.Broker(3).Port}", $"EXTERNAL://localhost:{_external[3]}" }));
        var map = broker["listener_security_protocol_map"]!;
        Assert.That(map["INTERNAL"]!.GetValue<string>(), Is.EqualTo("PLAINTEXT"));
        Assert.That(map["EXTERNAL"]!.GetValue<string>(), Is.EqualTo("PLAINTEXT"));
    }

    [Test]
    public async Task Replication_UsesTheInterBrokerListenerOnly()
    {
        string topic = $"listeners-{Guid.NewGuid():N}"[..22];
        string external = string.Join(",", _external.Values.Select(p => $"localhost:{p}"));
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = external }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 3 }]);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = external, Acks = Acks.All }).Build())
        {
            for (int i = 0; i < 30; i++)
                await producer.ProduceAsync(new TopicPartition(topic, i % 3), new Message<Null, string> { Value = "v" + i });
        }

        // Every broker follows two partitions of the topic, so each has a fetcher connection to the other two. With the
        // clients gone, established connections to a broker's ports come from other brokers: all to INTERNAL ports.
        var internalPorts = _cluster.Brokers.Select(b => b.Port).ToHashSet();
        var externalPorts = _external.Values.ToHashSet();
        await Poll.UntilAsync(() => EstablishedRemotePorts().Count(internalPorts.Contains) >= 3, TimeSpan.FromSeconds(20),
            "fetcher connections to the INTERNAL listeners");
        Assert.That(EstablishedRemotePorts().Where(externalPorts.Contains), Is.Empty, "no broker connects to an EXTERNAL listener");
    }

    private static List<string> BrokersSeenThrough(string bootstrap)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var meta = admin.GetMetadata(TimeSpan.FromSeconds(10));
        return meta.Brokers.Select(b => $"{b.BrokerId}={b.Host}:{b.Port}").ToList();
    }

    /// <summary>The remote ports of this machine's established TCP connections (both ends of loopback ones), from /proc.</summary>
    private static List<int> EstablishedRemotePorts()
    {
        var ports = new List<int>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length < 4 || cols[3] != "01") continue; // 01 = ESTABLISHED
                var remote = cols[2];
                ports.Add(int.Parse(remote[(remote.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return ports;
    }
}
