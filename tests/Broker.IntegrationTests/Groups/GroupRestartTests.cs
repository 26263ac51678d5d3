using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Groups;

/// <summary>Committed offsets live in __consumer_offsets and survive a broker restart.</summary>
[TestFixture]
public sealed class GroupRestartTests : SingleBrokerFixture
{
    protected override IDictionary<string, string> Settings => GroupTestSupport.Settings;

    [Test]
    public async Task Commits_SurviveBrokerRestart_AndConsumptionResumesFromThem()
    {
        string topic = UniqueTopic("grp-restart");
        string group = "g-" + topic;
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 3);
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 0, 90);

        List<TopicPartitionOffset> committed;
        using (var first = new RunningConsumer(Bootstrap, group, topic, "before-restart"))
        {
            await Poll.UntilAsync(() => first.Consumed.Count >= 90, TimeSpan.FromSeconds(60), "90 messages consumed");
            first.Close();
        }

        using (var probe = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group }).Build())
            committed = probe.Committed(Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10));
        Assert.That(committed.Select(c => c.Offset.Value), Is.EqualTo(new long[] { 30, 30, 30 }));

        Assert.That(Broker.Stop(), Is.EqualTo(0));
        await Broker.StartAsync();
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 3, 90, 30);

        using var probeAfter = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group }).Build();
        var afterRestart = probeAfter.Committed(Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(30));
        Assert.That(afterRestart.Select(c => c.Offset.Value), Is.EqualTo(new long[] { 30, 30, 30 }));

        using var second = new RunningConsumer(Bootstrap, group, topic, "after-restart");
        await Poll.UntilAsync(() => second.Consumed.Count >= 30, TimeSpan.FromSeconds(60), "the 30 new messages consumed");
        second.Close();
        Assert.That(second.Consumed.Select(c => c.Value).Order(), Is.EquivalentTo(Enumerable.Range(90, 30).Select(i => $"v{i}")));
        Assert.That(second.Consumed.Min(c => c.Offset), Is.EqualTo(30), "resumed at the committed offsets");
    }
}
