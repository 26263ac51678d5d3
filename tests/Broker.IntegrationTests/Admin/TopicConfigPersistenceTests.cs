using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Admin;

/// <summary>Topic config overrides survive a broker restart (topic-configs/&lt;topic&gt;.json under the first log dir).</summary>
[TestFixture]
public sealed class TopicConfigPersistenceTests
{
    [Test]
    public async Task Overrides_AfterRestart_AreStillDescribedAndDeletedWithTheTopic()
    {
        using var broker = new BrokerProcess();
        await broker.StartAsync();
        const string topic = "persisted-configs";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "7200000" } }]);
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                    [new ConfigEntry { Name = "segment.bytes", Value = "1048576", IncrementalOperation = AlterConfigOpType.Set }],
            });
        }

        Assert.That(File.Exists(Path.Combine(broker.LogDir, "topic-configs", topic + ".json")));
        Assert.That(broker.Stop(), Is.EqualTo(0));
        await broker.StartAsync();

        using var again = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var entries = (await again.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]))[0].Entries;
        Assert.That(entries["retention.ms"].Value, Is.EqualTo("7200000"));
        Assert.That(entries["segment.bytes"].Value, Is.EqualTo("1048576"));
        Assert.That(entries["segment.bytes"].Source, Is.EqualTo(ConfigSource.DynamicTopicConfig));

        await again.DeleteTopicsAsync([topic]);
        await Poll.UntilAsync(() => !File.Exists(Path.Combine(broker.LogDir, "topic-configs", topic + ".json")),
            TimeSpan.FromSeconds(10), "the config file to be removed with the topic");
    }
}
