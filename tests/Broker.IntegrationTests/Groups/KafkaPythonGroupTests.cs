using Broker.TestKit;

namespace Broker.IntegrationTests.Groups;

/// <summary>The guide's kafka-python 2.0.2 group consumers (Debian), and kcat -G.</summary>
[TestFixture]
public sealed class KafkaPythonGroupTests : SingleBrokerFixture
{
    protected override IDictionary<string, string> Settings => GroupTestSupport.Settings;

    private static string Script => Path.Combine(AppContext.BaseDirectory, "Python", "guide_group_consumer.py");

    [Test]
    public async Task AutoCommitConsumer_ResumesAfterItsCommits()
    {
        string topic = UniqueTopic("py-auto");
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 3);
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 0, 30, json: true);
        var first = await Consume(topic, "auto-" + topic, "auto", 30);
        Assert.That(first.Order(), Is.EqualTo(Enumerable.Range(0, 30)));
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 30, 12, json: true);
        var second = await Consume(topic, "auto-" + topic, "auto", 100, idleMs: 6000);
        Assert.That(second.Order(), Is.EqualTo(Enumerable.Range(30, 12)));
    }

    [Test]
    public async Task ManualCommitAfterEachMessage_NextRunStartsAfterTheLastCommit()
    {
        string topic = UniqueTopic("py-manual");
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 1);
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 1, 0, 40, json: true);
        var first = await Consume(topic, "manual-" + topic, "manual", 15);
        Assert.That(first, Is.EqualTo(Enumerable.Range(0, 15)));
        var second = await Consume(topic, "manual-" + topic, "manual", 100, idleMs: 6000);
        Assert.That(second, Is.EqualTo(Enumerable.Range(15, 25)));
    }

    [Test]
    public async Task FanOut_ThreeGroupsOnEvents_EachReadsEverything()
    {
        string topic = UniqueTopic("events");
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 3);
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 0, 60, json: true);
        var runs = await Task.WhenAll(new[] { "analytics", "billing", "audit" }.Select(g => Consume(topic, g + "-" + topic, "auto", 60)));
        foreach (var run in runs) Assert.That(run.Order(), Is.EqualTo(Enumerable.Range(0, 60)));
    }

    [Test]
    public async Task Kcat_GroupConsumer_ConsumesAndCommits()
    {
        string topic = UniqueTopic("kcat-g");
        string group = "kcat-" + topic;
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 3);
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 0, 30);
        string[] args = ["-b", Bootstrap, "-G", group, "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%s\n", topic];
        var first = await ExternalProcess.RunAsync("kcat", args, timeout: TimeSpan.FromSeconds(60));
        Assert.That(first.ExitCode, Is.EqualTo(0), first.StandardError);
        Assert.That(first.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(),
            Is.EquivalentTo(Enumerable.Range(0, 30).Select(i => $"v{i}")));
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 30, 6);
        var second = await ExternalProcess.RunAsync("kcat", args, timeout: TimeSpan.FromSeconds(60));
        Assert.That(second.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EquivalentTo(Enumerable.Range(30, 6).Select(i => $"v{i}")), "the second run starts from the first run's commits");
    }

    private async Task<List<int>> Consume(string topic, string group, string mode, int count, int idleMs = 15000)
    {
        var result = await ExternalProcess.RunAsync(ExternalProcess.DebianPython,
            [Script, Bootstrap, topic, group, mode, count.ToString(), idleMs.ToString()], timeout: TimeSpan.FromSeconds(120));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        return result.StandardOutput.Split('\n').Where(l => l.StartsWith("msg ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[3])).ToList();
    }
}
