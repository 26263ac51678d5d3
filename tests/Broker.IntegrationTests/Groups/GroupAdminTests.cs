using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Groups;

/// <summary>Group administration through Confluent.Kafka's AdminClient (ListGroups, DescribeGroups, OffsetDelete, DeleteGroups).</summary>
[TestFixture]
public sealed class GroupAdminTests : SingleBrokerFixture
{
    protected override IDictionary<string, string> Settings => GroupTestSupport.Settings;

    [Test]
    public async Task ListDescribeDeleteOffsetsAndDeleteGroup_FollowKafkaRules()
    {
        string topic = UniqueTopic("grp-admin");
        string group = "g-" + topic;
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 2);
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 2, 0, 10);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        using var member = new RunningConsumer(Bootstrap, group, topic, "admin-probe");
        await Poll.UntilAsync(() => member.Consumed.Count >= 10, TimeSpan.FromSeconds(60), "10 messages consumed");

        var stable = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Stable] });
        Assert.That(stable.Valid.Select(g => g.GroupId), Does.Contain(group));
        var empty = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Empty] });
        Assert.That(empty.Valid.Select(g => g.GroupId), Does.Not.Contain(group));

        var described = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
        Assert.That((described.State, described.PartitionAssignor, described.IsSimpleConsumerGroup), Is.EqualTo((ConsumerGroupState.Stable, "range", false)));
        var m = described.Members.Single();
        Assert.That((m.ClientId, m.Host), Is.EqualTo(("admin-probe", "/127.0.0.1")));
        Assert.That(m.ConsumerId, Does.StartWith("admin-probe-"));
        Assert.That(m.Assignment.TopicPartitions.Select(tp => tp.Partition.Value).Order(), Is.EqualTo(new[] { 0, 1 }));

        var offsetsDelete = Assert.ThrowsAsync<DeleteConsumerGroupOffsetsException>(() =>
            admin.DeleteConsumerGroupOffsetsAsync(group, [new TopicPartition(topic, 0)]));
        Assert.That(offsetsDelete!.Result.Partitions.Single().Error.Code, Is.EqualTo(ErrorCode.GroupSubscribedToTopic));
        var deleteActive = Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync([group]));
        Assert.That(deleteActive!.Results.Single().Error.Code, Is.EqualTo(ErrorCode.NonEmptyGroup));

        member.Close();
        await admin.DeleteConsumerGroupOffsetsAsync(group, [new TopicPartition(topic, 0)]);
        using (var probe = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group }).Build())
        {
            var committed = probe.Committed([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], TimeSpan.FromSeconds(10));
            Assert.That(committed.Select(c => c.Offset.Value), Is.EqualTo(new long[] { Offset.Unset.Value, 5 }));
        }

        await admin.DeleteGroupsAsync([group]);
        var after = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
        Assert.That(after.State, Is.EqualTo(ConsumerGroupState.Dead));
    }
}
