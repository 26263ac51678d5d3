using Broker.Cli.ReassignPartitions;

namespace Broker.Cli.Tests.ReassignPartitions;

/// <summary>What --throttle configures (Kafka's calculateLeaderThrottles / calculateFollowerThrottles) and the JSON the tool prints.</summary>
[TestFixture]
public sealed class ThrottlePlanTests
{
    [Test]
    public void SourcesAreLeaderThrottled_NewReplicasFollowerThrottled_EveryInvolvedBrokerGetsTheRate()
    {
        var proposed = new Dictionary<TopicPartitionKey, int[]> { [new("t", 0)] = [2, 3, 4], [new("t", 1)] = [1, 2], [new("u", 0)] = [5] };
        var sources = new Dictionary<TopicPartitionKey, int[]> { [new("t", 0)] = [1, 2], [new("t", 1)] = [1, 2], [new("u", 0)] = [5] };
        var plan = ThrottlePlan.Compute(proposed, sources);
        Assert.That(plan.LeaderReplicas["t"], Is.EqualTo("0:1,0:2,1:1,1:2"));
        Assert.That(plan.FollowerReplicas["t"], Is.EqualTo("0:3,0:4"));
        Assert.That(plan.LeaderReplicas["u"], Is.EqualTo("0:5"));
        Assert.That(plan.FollowerReplicas["u"], Is.EqualTo(""));
        Assert.That(plan.Brokers, Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void Json_IsKafkasLayout_SortedByTopicAndPartition_WithAnyLogDirs()
    {
        var json = ReassignmentJson.Format(new Dictionary<TopicPartitionKey, int[]> { [new("b", 0)] = [1], [new("a", 10)] = [2, 3], [new("a", 9)] = [3] });
        Assert.That(json, Is.EqualTo("""{"version":1,"partitions":[{"topic":"a","partition":9,"replicas":[3],"log_dirs":["any"]},{"topic":"a","partition":10,"replicas":[2,3],"log_dirs":["any","any"]},{"topic":"b","partition":0,"replicas":[1],"log_dirs":["any"]}]}"""));
        var parsed = ReassignmentJson.ParseReassignment(json);
        Assert.That(parsed.Select(p => p.Partition.ToString()), Is.EqualTo(new[] { "a-9", "a-10", "b-0" }));
        Assert.Throws<FormatException>(() => ReassignmentJson.ParseReassignment("""{"partitions":[{"topic":"a","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}"""));
    }
}
