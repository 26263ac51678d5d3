using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Admin;

/// <summary>The guide's kafka-python admin snippet (Debian python3-kafka), then the config through DescribeConfigs.</summary>
[TestFixture]
public sealed class KafkaPythonAdminTests : SingleBrokerFixture
{
    [Test]
    public async Task GuideCreateTopics_WithTopicConfigs_IsVisibleThroughDescribeConfigs()
    {
        string topic = UniqueTopic("py-admin");
        string script = $$"""
            from kafka.admin import KafkaAdminClient, NewTopic
            admin = KafkaAdminClient(bootstrap_servers='{{Bootstrap}}')
            admin.create_topics([NewTopic(name='{{topic}}', num_partitions=3, replication_factor=1, topic_configs={'retention.ms': '604800000'})])
            admin.close()
            print('created')
            """;
        var run = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", script]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var entries = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]))[0].Entries;
        Assert.That(entries["retention.ms"].Value, Is.EqualTo("604800000"));
        Assert.That(entries["retention.ms"].Source, Is.EqualTo(ConfigSource.DynamicTopicConfig));
        Assert.That(admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions, Has.Count.EqualTo(3));
    }
}
