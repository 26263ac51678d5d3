using Broker.TestKit;

namespace Broker.IntegrationTests.Clients;

/// <summary>kafka-python 2.0.2 from Debian (run with /usr/bin/python3), with the guide's producer and consumer.</summary>
[TestFixture]
public sealed class KafkaPythonTests : SingleBrokerFixture
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string> { ["num.partitions"] = "3" };

    [Test]
    public async Task GuideJsonProducer_ThenConsumerByAssignment_ReadsEveryAcknowledgedMessage()
    {
        const int count = 500;
        string topic = UniqueTopic("py-guide");
        string dir = Path.Combine(AppContext.BaseDirectory, "Python");
        var produced = await ExternalProcess.RunAsync(ExternalProcess.DebianPython,
            [Path.Combine(dir, "guide_producer.py"), Bootstrap, topic, count.ToString()]);
        Assert.That(produced.ExitCode, Is.EqualTo(0), produced.StandardError);
        Assert.That(produced.StandardOutput, Does.Contain($"acked {count}"), produced.StandardError);
        var acks = produced.StandardOutput.Split('\n').Where(l => l.StartsWith("ack ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Select(f => (Partition: int.Parse(f[1]), Offset: long.Parse(f[2]))).ToHashSet();

        var consumed = await ExternalProcess.RunAsync(ExternalProcess.DebianPython,
            [Path.Combine(dir, "guide_consumer.py"), Bootstrap, topic, count.ToString()]);
        Assert.That(consumed.ExitCode, Is.EqualTo(0), consumed.StandardError);
        var messages = consumed.StandardOutput.Split('\n').Where(l => l.StartsWith("msg ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToList();
        Assert.That(messages, Has.Count.EqualTo(count));
        Assert.That(messages.Select(f => (int.Parse(f[1]), long.Parse(f[2]))).ToHashSet(), Is.EquivalentTo(acks));
        Assert.That(messages.Select(f => int.Parse(f[4])).Order(), Is.EqualTo(Enumerable.Range(0, count)));
        Assert.That(messages.All(f => f[3] == "key" + f[4]));
        // Per partition the offsets arrive in order.
        foreach (var group in messages.GroupBy(f => f[1]))
            Assert.That(group.Select(f => long.Parse(f[2])), Is.Ordered);
    }
}
