using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.Tests;

/// <summary>bin/delete-records.sh and its PowerShell twin against a real broker: Kafka's JSON input, output and exit codes.</summary>
[TestFixture]
public sealed class DeleteRecordsCommandTests : CliFixture
{
    private static string Pwsh => Path.Combine(RepoPaths.Root, ".tools", "pwsh");

    [Test]
    public async Task DeleteRecords_FromAJsonFile_PrintsKafkasLines_AndMovesTheLogStart()
    {
        string topic = UniqueTopic("delrec");
        await CreateAndProduceAsync(topic, 2, 10);
        string file = WriteJson($$"""{"partitions": [{"topic": "{{topic}}", "partition": 0, "offset": 4}, {"topic": "{{topic}}", "partition": 1, "offset": -1}], "version": 1}""");

        var run = await RunScriptAsync("delete-records.sh", ["--bootstrap-server", Bootstrap, "--offset-json-file", file]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[..2], Is.EqualTo(new[] { "Executing records delete operation", "Records delete operation completed:" }));
        Assert.That(lines[2..].Order(), Is.EqualTo(new[] { $"partition: {topic}-0\tlow_watermark: 4", $"partition: {topic}-1\tlow_watermark: 10" }));
        Assert.That(LowWatermark(topic, 0), Is.EqualTo(4));
    }

    [Test]
    public async Task DeleteRecords_PartitionError_IsPrintedPerPartition_ExitZeroAsKafka()
    {
        string topic = UniqueTopic("delrec-err");
        await CreateAndProduceAsync(topic, 1, 3);
        string file = WriteJson($$"""{"partitions": [{"topic": "{{topic}}", "partition": 0, "offset": 99}]}""");

        var run = await RunScriptAsync("delete-records.sh", ["--bootstrap-server", Bootstrap, "--offset-json-file", file]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(run.StandardOutput, Does.EndWith($"partition: {topic}-0\terror: Broker: Offset out of range\n"));
    }

    [TestCase("{\"partitions\": [", "Error: The input string is not a valid JSON")]
    [TestCase("{\"version\": 1}", "Error: Missing partitions field")]
    [TestCase("{\"version\": 2, \"partitions\": []}", "Error: Not supported version field value 2")]
    [TestCase("{\"partitions\": [{\"topic\": \"t\", \"offset\": 1}]}", "Error: partitions entry 1 needs a \"partition\" number (0 or more)")]
    [TestCase("{\"partitions\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 1}, {\"topic\": \"t\", \"partition\": 0, \"offset\": 2}]}",
        "Error: Offset json file contains duplicate topic partitions: t-0")]
    public async Task BadJson_OneLineReason_ExitOne(string json, string reason)
    {
        var run = await RunScriptAsync("delete-records.sh", ["--bootstrap-server", Bootstrap, "--offset-json-file", WriteJson(json)]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError.TrimEnd().Split('\n'), Has.Length.EqualTo(1), run.StandardError);
        Assert.That(run.StandardError, Does.StartWith(reason));
        Assert.That(run.StandardOutput, Is.Empty, "nothing was sent");
    }

    [Test]
    public async Task MissingOffsetFile_IsAUsageError()
    {
        var run = await RunScriptAsync("delete-records.sh", ["--bootstrap-server", Bootstrap]);
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StandardError, Does.StartWith("Missing required argument \"[offset-json-file]\""));
    }

    [Test]
    public async Task PowerShellTwin_DeletesRecordsLikeTheShellScript()
    {
        if (!File.Exists(Pwsh)) Assert.Fail($"PowerShell is missing: {Pwsh} not found. Install it with bin/install-deps.sh.");
        string topic = UniqueTopic("delrec-ps");
        await CreateAndProduceAsync(topic, 1, 6);
        string file = WriteJson($$"""{"partitions": [{"topic": "{{topic}}", "partition": 0, "offset": 5}], "version": 1}""");

        var run = await ExternalProcess.RunAsync(Pwsh,
            ["-NoProfile", "-NonInteractive", "-File", RepoPaths.Bin("delete-records.ps1"), "--bootstrap-server", Bootstrap, "--offset-json-file", file],
            null, TimeSpan.FromSeconds(180));

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(run.StandardOutput, Is.EqualTo(
            $"Executing records delete operation\nRecords delete operation completed:\npartition: {topic}-0\tlow_watermark: 5\n"));
    }

    [Test]
    public async Task ConsumerGroupsLag_StillWorks_AfterDeleteRecords()
    {
        string topic = UniqueTopic("delrec-lag");
        await CreateAndProduceAsync(topic, 1, 10);
        string group = "g-" + topic;
        using (var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group }).Build())
            consumer.Commit([new TopicPartitionOffset(topic, 0, 2)]);
        string file = WriteJson($$"""{"partitions": [{"topic": "{{topic}}", "partition": 0, "offset": 6}]}""");
        Assert.That((await RunScriptAsync("delete-records.sh", ["--bootstrap-server", Bootstrap, "--offset-json-file", file])).ExitCode, Is.Zero);

        var describe = await RunScriptAsync("consumer-groups.sh", ["--bootstrap-server", Bootstrap, "--describe", "--group", group]);

        Assert.That(describe.ExitCode, Is.EqualTo(0), describe.StandardError);
        var row = describe.StandardOutput.Split('\n').Single(l => l.StartsWith(group + " ", StringComparison.Ordinal) && l.Contains(topic, StringComparison.Ordinal));
        var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(cells[2..6], Is.EqualTo(new[] { "0", "2", "10", "8" }), "PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG, as Kafka (lag from the committed offset)");
    }

    [Test]
    public async Task TopicsDescribe_ShowsTheCleanupPolicy_AfterAnIncrementalAlterConfigs()
    {
        string topic = UniqueTopic("delrec-policy");
        await CreateAndProduceAsync(topic, 1, 1);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
                    [new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Set }],
            });
        }

        var run = await RunScriptAsync("topics.sh", ["--describe", "--topic", topic, "--bootstrap-server", Bootstrap]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        Assert.That(run.StandardOutput.Split('\n')[0], Does.EndWith("\tConfigs: cleanup.policy=compact"));
    }

    private static string WriteJson(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"offsets-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private async Task CreateAndProduceAsync(string topic, int partitions, int perPartition)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = Bootstrap, LingerMs = 0 }).Build();
        for (int p = 0; p < partitions; p++)
            for (int i = 0; i < perPartition; i++)
                await producer.ProduceAsync(new TopicPartition(topic, p), new Message<Null, string> { Value = $"v{i}" });
    }

    private long LowWatermark(string topic, int partition)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "unused" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(5)).Low.Value;
    }
}
