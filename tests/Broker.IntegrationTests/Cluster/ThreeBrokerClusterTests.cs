using System.Text;
using System.Text.Json.Nodes;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>Three broker processes coordinated by a real ZooKeeper: registration, topics, any-broker access, deletion.</summary>
[TestFixture]
public sealed partial class ThreeBrokerClusterTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync();

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    [Test]
    public async Task BrokersRegister_InKafkasZnodeLayout_AndAControllerIsElected()
    {
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var (ids, _) = await zk.GetChildrenAsync("/brokers/ids");
        Assert.That(ids.Order(), Is.EqualTo(new[] { "1", "2", "3" }));
        var (data, stat) = await zk.GetDataAsync("/brokers/ids/2");
        Assert.That(stat.EphemeralOwner, Is.Not.EqualTo(0), "registration is ephemeral");
        var broker = JsonNode.Parse(data)!;
        Assert.That(broker["version"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(broker["endpoints"]![0]!.GetValue<string>(), Is.EqualTo($"PLAINTEXT://127.0.0.1:{_cluster.Broker(2).Port}"));
        Assert.That(broker["listener_security_protocol_map"]!["PLAINTEXT"]!.GetValue<string>(), Is.EqualTo("PLAINTEXT"));
        await Poll.UntilAsync(async () => await zk.ExistsAsync("/controller") is not null, TimeSpan.FromSeconds(20), "a controller");
        var controller = JsonNode.Parse((await zk.GetDataAsync("/controller")).Data)!;
        Assert.That(controller["brokerid"]!.GetValue<int>(), Is.InRange(1, 3));
        Assert.That(controller["version"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(int.Parse(Encoding.UTF8.GetString((await zk.GetDataAsync("/controller_epoch")).Data)), Is.GreaterThanOrEqualTo(1));
        var clusterId = JsonNode.Parse((await zk.GetDataAsync("/cluster/id")).Data)!;
        Assert.That(clusterId["version"]!.GetValue<string>(), Is.EqualTo("1"));
        Assert.That(clusterId["id"]!.GetValue<string>(), Has.Length.EqualTo(22));
        foreach (var path in new[] { "/brokers/topics", "/config/topics", "/config/changes", "/admin/delete_topics", "/brokers/seqid", "/isr_change_notification" })
            Assert.That(await zk.ExistsAsync(path), Is.Not.Null, path);
    }

    [Test]
    public async Task TopicCreatedThroughOneBroker_IsDescribedIdenticallyByAll_AndSpreadAcrossBrokers()
    {
        string topic = Unique("spread");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Broker(2).BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);

        var views = new List<string>();
        foreach (var b in _cluster.Brokers)
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b.BootstrapServers }).Build();
            string view = "";
            await Poll.UntilAsync(() =>
            {
                var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
                var t = meta.Topics.Single();
                view = string.Join(";", t.Partitions.OrderBy(p => p.PartitionId).Select(p => $"{p.PartitionId}:{p.Leader}:{string.Join(",", p.Replicas)}:{string.Join(",", p.InSyncReplicas)}"))
                    + $"|brokers={meta.Brokers.Count}";
                return t.Error.Code == ErrorCode.NoError && t.Partitions.Count == 3 && t.Partitions.All(p => p.Leader > 0);
            }, TimeSpan.FromSeconds(20), $"broker {b.BrokerId} to know {topic}");
            views.Add(view);
        }

        Assert.That(views.Distinct().Count(), Is.EqualTo(1), string.Join("\n", views));
        Assert.That(views[0], Does.EndWith("brokers=3"));
        var leaders = views[0].Split('|')[0].Split(';').Select(p => p.Split(':')[1]).ToHashSet();
        Assert.That(leaders, Has.Count.EqualTo(3), "3 partitions on 3 brokers get 3 different leaders (Kafka's placement)");

        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var assignment = JsonNode.Parse((await zk.GetDataAsync($"/brokers/topics/{topic}")).Data)!;
        Assert.That(assignment["version"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(assignment["topic_id"]!.GetValue<string>(), Has.Length.EqualTo(22));
        var state = JsonNode.Parse((await zk.GetDataAsync($"/brokers/topics/{topic}/partitions/0/state")).Data)!;
        Assert.That(state["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(state["isr"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(await zk.ExistsAsync($"/config/topics/{topic}"), Is.Not.Null);
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task ProduceAndConsume_ThroughAnyBootstrapBroker_WithConfluentKafka(int bootstrapBroker)
    {
        string topic = Unique("any");
        string bootstrap = _cluster.Broker(bootstrapBroker).BootstrapServers;
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build())
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 600).Select(i =>
                producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i}", Value = $"v{i}" })));
            Assert.That(results.Select(r => r.Partition.Value).Distinct().Count(), Is.EqualTo(3));
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "unused", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 600 && DateTime.UtcNow < deadline)
        {
            var cr = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (cr?.Message is not null) seen.Add(cr.Message.Value);
        }

        Assert.That(seen, Has.Count.EqualTo(600));
    }

    [Test]
    public async Task ProduceAndConsume_ThroughAnyBootstrapBroker_WithKcat()
    {
        string topic = Unique("kcat");
        string input = string.Join("", Enumerable.Range(0, 2000).Select(i => $"line-{i}\n"));
        var produce = await ExternalProcess.RunAsync("kcat", ["-b", _cluster.Broker(3).BootstrapServers, "-t", topic, "-P"], Encoding.UTF8.GetBytes(input));
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);
        var consume = await ExternalProcess.RunAsync("kcat", ["-b", _cluster.Broker(1).BootstrapServers, "-t", topic, "-C", "-o", "beginning", "-e", "-q"]);
        Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
        Assert.That(consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(), Is.EqualTo(input.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order()));
    }

    [Test]
    public async Task GuidePythonAdminExample_CreatesTheTopicWithItsConfig()
    {
        string topic = Unique("py-admin");
        string script = $"""
            from kafka.admin import KafkaAdminClient, NewTopic
            admin_client = KafkaAdminClient(bootstrap_servers=['{_cluster.Broker(1).BootstrapServers}'])
            topic = NewTopic(name='{topic}', num_partitions=3, replication_factor=1, topic_configs={'{'}'retention.ms': '604800000'{'}'})
            admin_client.create_topics([topic])
            print('created')
            """;
        var run = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", script]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var config = JsonNode.Parse((await zk.GetDataAsync($"/config/topics/{topic}")).Data)!;
        Assert.That(config["config"]!["retention.ms"]!.GetValue<string>(), Is.EqualTo("604800000"));
    }

    [Test]
    public async Task GuideBestPractices_ReplicatedTopicFromPython_IdempotentAcksAllProducer_EveryMessageReadBackOnce()
    {
        // The guide's "Best Practices": a 6-partition topic with replication_factor=3 created by kafka-python, and
        // an idempotent acks='all' producer. kafka-python 2.0.2 (Debian) predates enable_idempotence, so the producer
        // is confluent-kafka's, the Python client that has it.
        string topic = Unique("py-best");
        string bootstrap = _cluster.Bootstrap;
        string script = $$"""
            from kafka.admin import KafkaAdminClient, NewTopic
            from confluent_kafka import Producer, Consumer, TopicPartition
            admin_client = KafkaAdminClient(bootstrap_servers='{{bootstrap}}'.split(','))
            admin_client.create_topics([NewTopic(name='{{topic}}', num_partitions=6, replication_factor=3)])
            acked = []
            def on_delivery(err, msg):
                if err is None: acked.append((msg.partition(), msg.offset(), msg.value()))
            producer = Producer({'bootstrap.servers': '{{bootstrap}}', 'enable.idempotence': True, 'acks': 'all'})
            for i in range(3000):
                producer.produce('{{topic}}', key=('user-%d' % (i % 50)).encode(), value=str(i).encode(), on_delivery=on_delivery)
                producer.poll(0)
            producer.flush(30)
            consumer = Consumer({'bootstrap.servers': '{{bootstrap}}', 'group.id': 'py-best', 'enable.auto.commit': False})
            consumer.assign([TopicPartition('{{topic}}', p, 0) for p in range(6)])
            seen = []
            while len(seen) < len(acked):
                m = consumer.poll(10)
                if m is None: break
                if m.error() is None: seen.append((m.partition(), m.offset(), m.value()))
            consumer.close()
            print(len(acked), len(seen), len(set(v for _, _, v in seen)), sorted(acked) == sorted(seen))
            """;
        var run = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", script]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(run.StandardOutput.Trim(), Is.EqualTo("3000 3000 3000 True"), "acked, read, distinct, same (partition, offset, value)");
        var described = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        using (described)
        {
            var partitions = described.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            Assert.That(partitions.Select(p => p.Replicas.Length), Has.All.EqualTo(3));
        }
    }

    [Test]
    public async Task DeleteTopic_RemovesItsDataFromEveryBroker()
    {
        string topic = Unique("delete");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        string Folder(BrokerProcess b, int p) => Path.Combine(b.LogDir, $"{topic}-{p}");
        await Poll.UntilAsync(() => Enumerable.Range(0, 3).All(p => _cluster.Brokers.Any(b => Directory.Exists(Folder(b, p)))),
            TimeSpan.FromSeconds(20), "the partition folders");
        Assert.That(_cluster.Brokers.Count(b => Enumerable.Range(0, 3).Any(p => Directory.Exists(Folder(b, p)))), Is.EqualTo(3), "one partition per broker");
        await admin.DeleteTopicsAsync([topic]);
        await Poll.UntilAsync(() => !_cluster.Brokers.Any(b => Enumerable.Range(0, 3).Any(p => Directory.Exists(Folder(b, p)))),
            TimeSpan.FromSeconds(20), "every broker to remove the partitions");
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        Assert.That(await zk.ExistsAsync($"/brokers/topics/{topic}"), Is.Null);
        Assert.That(await zk.ExistsAsync($"/admin/delete_topics/{topic}"), Is.Null);
    }

    [Test]
    public async Task ReplicationFactorUpToTheBrokerCount_PlacesAReplicaOnEveryBroker_AndMoreIsRefused()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Bootstrap }).Build();
        string topic = Unique("rf3");
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 3 }]);
        await Poll.UntilAsync(() => _cluster.Brokers.All(b => Enumerable.Range(0, 3).All(p => Directory.Exists(Path.Combine(b.LogDir, $"{topic}-{p}")))),
            TimeSpan.FromSeconds(20), "every broker to host every partition");
        var described = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        Assert.That(described.Partitions.Select(p => p.Replicas.Order().ToArray()), Has.All.EqualTo(new[] { 1, 2, 3 }));
        var ex4 = Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = Unique("rf4"), NumPartitions = 1, ReplicationFactor = 4 }]));
        Assert.That(ex4!.Results.Single().Error.Code, Is.EqualTo(ErrorCode.InvalidReplicationFactor));
        Assert.That(ex4.Results.Single().Error.Reason, Does.Contain("larger than available brokers: 3"));
    }

    [Test]
    public async Task TopicConfigChangedThroughOneBroker_IsDescribedByAnother_AndStoredInZooKeeper()
    {
        string topic = Unique("configs");
        using var admin1 = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Broker(1).BootstrapServers }).Build();
        using var admin3 = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Broker(3).BootstrapServers }).Build();
        await admin1.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        await admin1.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "retention.ms", Value = "3600000", IncrementalOperation = AlterConfigOpType.Set }],
        });
        await Poll.UntilAsync(async () =>
        {
            var described = await admin3.DescribeConfigsAsync([resource]);
            var entry = described.Single().Entries["retention.ms"];
            return entry.Value == "3600000" && entry.Source == ConfigSource.DynamicTopicConfig;
        }, TimeSpan.FromSeconds(20), "broker 3 to describe the new retention.ms");
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        var config = JsonNode.Parse((await zk.GetDataAsync($"/config/topics/{topic}")).Data)!;
        Assert.That(config["config"]!["retention.ms"]!.GetValue<string>(), Is.EqualTo("3600000"));
        var (changes, _) = await zk.GetChildrenAsync("/config/changes");
        Assert.That(changes.Any(c => c.StartsWith("config_change_", StringComparison.Ordinal)));
    }

    [Test]
    public async Task CreatePartitions_AddsPartitionsWithLeaders_SeenByEveryBroker()
    {
        string topic = Unique("grow");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Broker(2).BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 2, ReplicationFactor = 1 }]);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 5 }]);
        foreach (var b in _cluster.Brokers)
        {
            using var other = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = b.BootstrapServers }).Build();
            await Poll.UntilAsync(() =>
            {
                var t = other.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single();
                return t.Partitions.Count == 5 && t.Partitions.All(p => p.Leader > 0);
            }, TimeSpan.FromSeconds(20), $"broker {b.BrokerId} to see 5 partitions");
        }

        var ex = Assert.ThrowsAsync<CreatePartitionsException>(() => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 3 }]));
        Assert.That(ex!.Results.Single().Error.Code, Is.EqualTo(ErrorCode.InvalidPartitions));
    }

    [Test]
    public async Task DuplicateBrokerId_StopsStartUpWithAClearMessage()
    {
        using var duplicate = new BrokerProcess(2, new Dictionary<string, string>
        {
            ["zookeeper.connect"] = _cluster.ZooKeeper.ConnectString,
        });
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => duplicate.StartAsync(TimeSpan.FromSeconds(60)));
        Assert.That(ex!.Message, Does.Contain("broker.id 2 is already registered"));
        await Task.CompletedTask;
    }
}
