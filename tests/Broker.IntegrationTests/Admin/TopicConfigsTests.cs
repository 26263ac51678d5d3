using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Admin;

/// <summary>DescribeConfigs, AlterConfigs and IncrementalAlterConfigs over real sockets with Confluent.Kafka's AdminClient.</summary>
[TestFixture]
public sealed class TopicConfigsTests : SingleBrokerFixture
{
    private IAdminClient _admin = null!;

    protected override IDictionary<string, string> Settings => new Dictionary<string, string> { ["log.segment.bytes"] = "536870912" };

    [OneTimeSetUp]
    public void CreateAdmin() => _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();

    [OneTimeTearDown]
    public void DisposeAdmin() => _admin.Dispose();

    [Test]
    public async Task DescribeConfigs_TopicWithOverride_ReportsEverySettingWithItsSource()
    {
        string topic = await CreateAsync("cfg-describe", new() { ["retention.ms"] = "3600000" });

        var entries = await DescribeAsync(topic);

        Assert.That(entries["retention.ms"].Value, Is.EqualTo("3600000"));
        Assert.That(entries["retention.ms"].Source, Is.EqualTo(ConfigSource.DynamicTopicConfig));
        Assert.That(entries["segment.bytes"].Value, Is.EqualTo("536870912"), "a broker setting from the file");
        Assert.That(entries["segment.bytes"].Source, Is.EqualTo(ConfigSource.StaticBrokerConfig));
        Assert.That(entries["cleanup.policy"].Value, Is.EqualTo("delete"));
        Assert.That(entries["cleanup.policy"].IsDefault, Is.True);
        Assert.That(entries.Values.Where(e => !e.IsDefault).Select(e => e.Name), Is.EquivalentTo(new[] { "retention.ms", "segment.bytes" }));
    }

    [Test]
    public async Task DescribeConfigs_Broker_ReportsFileSettingsAsStatic()
    {
        var result = await _admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = "0" }]);
        var entries = result[0].Entries;
        Assert.That(entries["log.segment.bytes"].Value, Is.EqualTo("536870912"));
        Assert.That(entries["log.segment.bytes"].Source, Is.EqualTo(ConfigSource.StaticBrokerConfig));
        Assert.That(entries["log.retention.hours"].Source, Is.EqualTo(ConfigSource.DefaultConfig));
        Assert.That(entries["log.retention.hours"].Value, Is.EqualTo("168"));
    }

    [Test]
    public async Task DescribeConfigs_UnknownTopic_FailsWithUnknownTopic()
    {
        var e = Assert.ThrowsAsync<DescribeConfigsException>(() =>
            _admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = UniqueTopic("cfg-missing") }]));
        Assert.That(e!.Results[0].Error.Code, Is.EqualTo(ErrorCode.UnknownTopicOrPart));
    }

    [Test]
    public async Task IncrementalAlterConfigs_SetDeleteAppendSubtract_ChangeOnlyTheNamedOverrides()
    {
        string topic = await CreateAsync("cfg-incr", new() { ["retention.ms"] = "3600000", ["max.message.bytes"] = "2000000" });

        await IncrementalAsync(topic,
            new ConfigEntry { Name = "segment.ms", Value = "60000", IncrementalOperation = AlterConfigOpType.Set },
            new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
            new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append });
        var entries = await DescribeAsync(topic);
        Assert.That(Overrides(entries), Is.EqualTo("cleanup.policy=delete,compact,max.message.bytes=2000000,segment.ms=60000"));
        Assert.That(entries["retention.ms"].Value, Is.EqualTo("604800000"));

        await IncrementalAsync(topic, new ConfigEntry { Name = "cleanup.policy", Value = "delete", IncrementalOperation = AlterConfigOpType.Subtract });
        Assert.That((await DescribeAsync(topic))["cleanup.policy"].Value, Is.EqualTo("compact"));
    }

    [Test]
    public async Task IncrementalAlterConfigs_UnknownNameOrBadValue_FailsWithInvalidConfigAndChangesNothing()
    {
        string topic = await CreateAsync("cfg-bad", new() { ["retention.ms"] = "3600000" });

        var unknown = Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => IncrementalAsync(topic,
            new ConfigEntry { Name = "retention.ms", Value = "1", IncrementalOperation = AlterConfigOpType.Set },
            new ConfigEntry { Name = "no.such.config", Value = "1", IncrementalOperation = AlterConfigOpType.Set }));
        Assert.That(unknown!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidConfig));
        Assert.That(unknown.Results[0].Error.Reason, Does.Contain("no.such.config"));

        var bad = Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => IncrementalAsync(topic,
            new ConfigEntry { Name = "retention.ms", Value = "soon", IncrementalOperation = AlterConfigOpType.Set }));
        Assert.That(bad!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidConfig));
        Assert.That(bad.Results[0].Error.Reason, Does.Contain("retention.ms"));

        var append = Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => IncrementalAsync(topic,
            new ConfigEntry { Name = "retention.ms", Value = "1", IncrementalOperation = AlterConfigOpType.Append }));
        Assert.That(append!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidConfig));

        Assert.That(Overrides(await DescribeAsync(topic)), Is.EqualTo("retention.ms=3600000"));
    }

    [Test]
    public async Task IncrementalAlterConfigs_ValidateOnly_ChangesNothing()
    {
        string topic = await CreateAsync("cfg-validate", []);
        await _admin.IncrementalAlterConfigsAsync(
            new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [Resource(topic)] = [new ConfigEntry { Name = "retention.ms", Value = "1000", IncrementalOperation = AlterConfigOpType.Set }],
            },
            new IncrementalAlterConfigsOptions { ValidateOnly = true });
        Assert.That(Overrides(await DescribeAsync(topic)), Is.Empty);
    }

    [Test]
    public async Task AlterConfigs_ReplacesTheWholeOverrideSet()
    {
        string topic = await CreateAsync("cfg-alter", new() { ["retention.ms"] = "3600000" });
#pragma warning disable CS0618 // AlterConfigs is deprecated in the client, yet still used by tools
        await _admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Resource(topic)] = [new ConfigEntry { Name = "segment.ms", Value = "120000" }],
        });
        Assert.That(Overrides(await DescribeAsync(topic)), Is.EqualTo("segment.ms=120000"));

        var e = Assert.ThrowsAsync<AlterConfigsException>(() => _admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Resource(topic)] = [new ConfigEntry { Name = "segment.ms", Value = "-5" }],
        }));
#pragma warning restore CS0618
        Assert.That(e!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidConfig));
    }

    /// <summary>librdkafka's 0092_mixed_msgver sets it mid-test; Kafka 3.x accepts the deprecated setting and ignores it.</summary>
    [Test]
    public async Task AlterConfigs_MessageFormatVersion_IsAcceptedAsKafka3Does()
    {
        string topic = await CreateAsync("cfg-msgfmt", new());
#pragma warning disable CS0618 // AlterConfigs is deprecated in the client, yet librdkafka's test uses it
        await _admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Resource(topic)] = [new ConfigEntry { Name = "message.format.version", Value = "0.10.0.0" }],
        });
        Assert.That(Overrides(await DescribeAsync(topic)), Is.EqualTo("message.format.version=0.10.0.0"));

        var e = Assert.ThrowsAsync<AlterConfigsException>(() => _admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [Resource(topic)] = [new ConfigEntry { Name = "message.format.version", Value = "banana" }],
        }));
#pragma warning restore CS0618
        Assert.That(e!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidConfig));
    }

    [Test]
    public async Task CreatePartitions_Increase_IsVisibleInMetadataAndProducible()
    {
        string topic = await CreateAsync("cfg-grow", [], partitions: 2);
        await _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 4 }]);
        Assert.That(_admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions, Has.Count.EqualTo(4));

        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Bootstrap }).Build();
        var delivered = await producer.ProduceAsync(new TopicPartition(topic, 3), new Message<Null, string> { Value = "x" });
        Assert.That(delivered.Offset.Value, Is.EqualTo(0));
    }

    [Test]
    public async Task CreatePartitions_DecreaseOrSame_FailsWithInvalidPartitions()
    {
        string topic = await CreateAsync("cfg-shrink", [], partitions: 3);
        var shrink = Assert.ThrowsAsync<CreatePartitionsException>(() =>
            _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 2 }]));
        Assert.That(shrink!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidPartitions));
        Assert.That(shrink.Results[0].Error.Reason, Is.EqualTo("Topic currently has 3 partitions, which is higher than the requested 2."));
        var same = Assert.ThrowsAsync<CreatePartitionsException>(() =>
            _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 3 }]));
        Assert.That(same!.Results[0].Error.Code, Is.EqualTo(ErrorCode.InvalidPartitions));
    }

    [Test]
    public async Task CreatePartitions_ValidateOnly_ChangesNothing()
    {
        string topic = await CreateAsync("cfg-grow-validate", [], partitions: 1);
        await _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 5 }],
            new CreatePartitionsOptions { ValidateOnly = true });
        Assert.That(_admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions, Has.Count.EqualTo(1));
    }

    private async Task<string> CreateAsync(string prefix, Dictionary<string, string> configs, int partitions = 1)
    {
        string topic = UniqueTopic(prefix);
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]);
        return topic;
    }

    private Task IncrementalAsync(string topic, params ConfigEntry[] entries) =>
        _admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [Resource(topic)] = [.. entries] });

    private async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(string topic) =>
        (await _admin.DescribeConfigsAsync([Resource(topic)]))[0].Entries;

    private static string Overrides(Dictionary<string, ConfigEntryResult> entries) =>
        string.Join(",", entries.Values.Where(e => e.Source == ConfigSource.DynamicTopicConfig).OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => $"{e.Name}={e.Value}"));

    private static ConfigResource Resource(string topic) => new() { Type = ResourceType.Topic, Name = topic };
}
