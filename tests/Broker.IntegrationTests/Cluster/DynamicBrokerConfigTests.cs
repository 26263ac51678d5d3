using System.Text.Json.Nodes;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// Dynamic broker configs (KIP-226) on three brokers and a real ZooKeeper, through Confluent.Kafka's AdminClient:
/// stored as Kafka stores them, applied by every broker on the change notification, described with Kafka's sources,
/// and refused for settings that cannot change at runtime.
/// </summary>
[TestFixture]
public sealed class DynamicBrokerConfigTests
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

    private IAdminClient Admin(int broker) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.Broker(broker).BootstrapServers }).Build();

    private static ConfigResource Broker(string name) => new() { Type = ResourceType.Broker, Name = name };

    private async Task<ConfigEntryResult> DescribeAsync(int broker, string name)
    {
        using var admin = Admin(broker);
        var result = await admin.DescribeConfigsAsync([Broker(broker.ToString())]);
        return result[0].Entries[name];
    }

    /// <summary>IncrementalAlterConfigs v0 on BROKER "" through a raw connection: SET, or DELETE when <paramref name="value"/> is null.</summary>
    private void SetClusterDefault(int broker, string name, string? value)
    {
        using var c = new Wire.RawConnection(_cluster.Broker(broker).Port);
        var response = c.RoundTrip<Broker.Protocol.Messages.IncrementalAlterConfigsResponse>(new Broker.Protocol.Messages.IncrementalAlterConfigsRequest
        {
            Resources =
            [
                new()
                {
                    ResourceType = 4, ResourceName = "",
                    Configs = [new() { Name = name, ConfigOperation = (sbyte)(value is null ? 1 : 0), Value = value }],
                },
            ],
        }, 0);
        Assert.That(response.Responses.Single().ErrorCode, Is.EqualTo(0), response.Responses.Single().ErrorMessage);
    }

    [Test]
    public async Task ClusterDefault_MessageMaxBytes_IsAppliedByEveryBroker_AndPerBrokerOverridesIt()
    {
        using var admin = Admin(1);
        string topic = $"dyn-{Guid.NewGuid():N}"[..16];
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        try
        {
            // librdkafka refuses an empty resource name client-side, so the cluster default (resource "") is set on the wire.
            SetClusterDefault(1, "message.max.bytes", "3000");

            await using (var zk = await _cluster.ConnectZooKeeperAsync())
            {
                var stored = JsonNode.Parse((await zk.GetDataAsync("/config/brokers/<default>")).Data)!;
                Assert.That(stored["version"]!.GetValue<int>(), Is.EqualTo(1));
                Assert.That(stored["config"]!["message.max.bytes"]!.GetValue<string>(), Is.EqualTo("3000"));
                var (changes, _) = await zk.GetChildrenAsync("/config/changes");
                var bodies = new List<string>();
                foreach (var c in changes) bodies.Add(System.Text.Encoding.UTF8.GetString((await zk.GetDataAsync($"/config/changes/{c}")).Data));
                Assert.That(bodies, Has.Some.Contains("\"entity_path\":\"brokers/<default>\""));
            }

            foreach (var b in _cluster.Brokers)
            {
                await Poll.UntilAsync(async () =>
                {
                    var entry = await DescribeAsync(b.BrokerId, "message.max.bytes");
                    return entry.Value == "3000" && entry.Source == ConfigSource.DynamicDefaultBrokerConfig && !entry.IsReadOnly;
                }, TimeSpan.FromSeconds(20), $"broker {b.BrokerId} to describe the dynamic default");
            }

            // Every partition (one per broker) now refuses a 5000-byte record: the limit is applied, not only described.
            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _cluster.Bootstrap, Acks = Acks.All }).Build();
            for (int p = 0; p < 3; p++)
            {
                var tp = new TopicPartition(topic, p);
                await Poll.UntilAsync(async () =>
                {
                    try
                    {
                        await producer.ProduceAsync(tp, new Message<Null, byte[]> { Value = new byte[5000] });
                        return false;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.MsgSizeTooLarge)
                    {
                        return true;
                    }
                }, TimeSpan.FromSeconds(20), $"partition {p} to refuse 5000 bytes");
                var small = await producer.ProduceAsync(tp, new Message<Null, byte[]> { Value = new byte[1000] });
                Assert.That(small.Status, Is.EqualTo(PersistenceStatus.Persisted));
            }

            // A per-broker value wins over the default on that broker only; synonyms list both, broker first.
            using (var admin2 = Admin(2))
            {
                await admin2.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
                {
                    [Broker("2")] = [new ConfigEntry { Name = "message.max.bytes", Value = "200000", IncrementalOperation = AlterConfigOpType.Set }],
                });
            }

            var onTwo = await DescribeAsync(2, "message.max.bytes");
            Assert.That(onTwo.Value, Is.EqualTo("200000"));
            Assert.That(onTwo.Source, Is.EqualTo(ConfigSource.DynamicBrokerConfig));
            Assert.That(onTwo.Synonyms.Select(s => s.Source).Take(2),
                Is.EqualTo(new[] { ConfigSource.DynamicBrokerConfig, ConfigSource.DynamicDefaultBrokerConfig }));
            Assert.That((await DescribeAsync(3, "message.max.bytes")).Value, Is.EqualTo("3000"));
        }
        finally
        {
            SetClusterDefault(1, "message.max.bytes", null);
        }
    }

    [Test]
    public async Task StaticSettings_AreRefusedWithKafkasMessage_AndNothingIsStored()
    {
        using var admin = Admin(3);
        var ex = Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Broker("3")] = [new ConfigEntry { Name = "log.dirs", Value = "/tmp/x", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.That(ex!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidRequest));
        Assert.That(ex.Results[0].Error.Reason, Does.Contain("Cannot update these configs dynamically: Set(log.dirs)"));
        Assert.That((await DescribeAsync(3, "log.dirs")).IsReadOnly, Is.True);

        // A value the setting's validator refuses, and another broker's id.
        var bad = Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Broker("3")] = [new ConfigEntry { Name = "log.segment.bytes", Value = "1", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.That(bad!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidRequest));
        await using var zk = await _cluster.ConnectZooKeeperAsync();
        Assert.That(await zk.ExistsAsync("/config/brokers/3"), Is.Null, "nothing stored for a refused change");
    }

    [Test]
    public async Task KerberosReloginSetting_AsLibrdkafka0081SetsIt_IsAccepted_AndDescribed()
    {
        using var admin = Admin(1);
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Broker("1")] = [new ConfigEntry { Name = "sasl.kerberos.min.time.before.relogin", Value = "58000" }],
        });
        var entry = await DescribeAsync(1, "sasl.kerberos.min.time.before.relogin");
        Assert.That(entry.Value, Is.EqualTo("58000"));
        Assert.That(entry.Source, Is.EqualTo(ConfigSource.DynamicBrokerConfig));
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [Broker("1")] = [] });
    }
}
