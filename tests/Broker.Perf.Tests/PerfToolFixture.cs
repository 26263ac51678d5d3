using Broker.TestKit;
using Broker.TestKit.Brokers;
using Confluent.Kafka;

namespace Broker.Perf.Tests;

/// <summary>
/// One real broker process per fixture, and the perf tools run through their bin/ wrappers exactly as a user runs
/// them (the wrapper builds .build/perf when needed). Tests use their own topics.
/// </summary>
public abstract class PerfToolFixture
{
    protected static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(4);

    protected BrokerProcess Broker { get; private set; } = null!;

    protected string Bootstrap => Broker.BootstrapServers;

    [OneTimeSetUp]
    public async Task StartBroker()
    {
        Broker = new BrokerProcess(0, new Dictionary<string, string> { ["num.partitions"] = "3" });
        await Broker.StartAsync();
    }

    [OneTimeTearDown]
    public void StopBroker()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
            TestContext.Out.WriteLine("Broker output:\n" + string.Join('\n', Broker.Output.TakeLast(100)));
        Broker.Dispose();
    }

    protected static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Runs bin/&lt;tool&gt;.sh with the arguments and returns its result (any exit code).</summary>
    protected static Task<ProcessResult> RunToolAsync(string tool, params string[] args) =>
        ExternalProcess.RunAsync("bash", [RepoPaths.Bin(tool + ".sh"), .. args], timeout: ToolTimeout);

    /// <summary>Sum of the high watermarks of every partition: what the broker really holds, independent of our tools.</summary>
    protected long CountRecords(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "count" }).Build();
        return partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }

    protected static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
