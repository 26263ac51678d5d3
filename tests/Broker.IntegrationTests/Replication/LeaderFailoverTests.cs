using Broker.IntegrationTests.Cluster;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// Kafka's replication_test.py failure modes against the partition leader (and once the controller) while an
/// idempotent acks=all producer keeps sending: nothing acknowledged is lost, nothing is written twice, order holds.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class LeaderFailoverTests : ReplicationTestBase
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task CleanShutdownOfTheLeader_LosesNoAcknowledgedRecord()
    {
        var (topic, producer) = await SetUpAsync("clean-shutdown", 1);
        int leader = await Cluster.LeaderAsync(topic, 0);
        var fault = producer.MarkFault($"SIGTERM leader {leader}");
        Note(fault.What);
        Assert.That(Cluster.Broker(leader).Stop(), Is.EqualTo(0), "clean shutdown exit code");
        int next = await Cluster.WaitForNewLeaderAsync(topic, 0, leader);
        Note($"new leader {next}");
        await KeepProducingAsync(producer);

        var report = await StopAndVerifyAsync($"clean shutdown of leader {leader} (1 partition)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task KillNineOfTheLeader_LosesNoAcknowledgedRecord(int partitions)
    {
        var (topic, producer) = await SetUpAsync("kill-leader", partitions);
        int leader = await Cluster.LeaderAsync(topic, 0);
        var fault = producer.MarkFault($"kill -9 leader {leader}");
        Note(fault.What);
        Cluster.Broker(leader).Kill();
        int next = await Cluster.WaitForNewLeaderAsync(topic, 0, leader);
        Note($"new leader {next}");
        await KeepProducingAsync(producer);

        var report = await StopAndVerifyAsync($"kill -9 of leader {leader} ({partitions} partitions)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    [Test]
    public async Task CleanBounceOfTheLeader_LosesNoAcknowledgedRecord_AndItRejoinsTheIsr()
    {
        var (topic, producer) = await SetUpAsync("clean-bounce", 1);
        int leader = await Cluster.LeaderAsync(topic, 0);
        var fault = producer.MarkFault($"clean bounce of leader {leader}");
        Note(fault.What);
        await Cluster.Broker(leader).RestartAsync();
        Note($"broker {leader} restarted");
        await Cluster.WaitForFullIsrAsync(topic, 1);
        Note("ISR full again");
        await KeepProducingAsync(producer);

        var report = await StopAndVerifyAsync($"clean bounce of leader {leader} (1 partition)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    [Test]
    public async Task HardBounceOfTheLeader_LosesNoAcknowledgedRecord_AndItRejoinsTheIsr()
    {
        var (topic, producer) = await SetUpAsync("hard-bounce", 1);
        int leader = await Cluster.LeaderAsync(topic, 0);
        var fault = producer.MarkFault($"hard bounce of leader {leader}");
        Note(fault.What);
        await Cluster.HardBounceAsync(leader);
        Note($"broker {leader} restarted");
        await Cluster.WaitForFullIsrAsync(topic, 1);
        Note("ISR full again");
        await KeepProducingAsync(producer);

        var report = await StopAndVerifyAsync($"hard bounce of leader {leader} (1 partition)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    [Test]
    public async Task KillNineOfTheController_LosesNoAcknowledgedRecord_AndANewControllerMovesItsLeaderships()
    {
        // Three partitions over three brokers: the controller leads one of them, so the new controller must elect.
        var (topic, producer) = await SetUpAsync("kill-controller", 3);
        int controller = await Cluster.WaitForControllerAsync();
        var fault = producer.MarkFault($"kill -9 controller {controller}");
        Note(fault.What);
        Cluster.Broker(controller).Kill();
        int next = await Cluster.WaitForControllerAsync(id => id != controller, TimeSpan.FromMilliseconds(TestCluster.SessionTimeoutMs * 3 + 10_000));
        Note($"new controller {next}");
        for (int p = 0; p < 3; p++) await Cluster.WaitForLeaderAsync(topic, p, l => l != controller, RecoveryTimeout);
        await KeepProducingAsync(producer);

        var report = await StopAndVerifyAsync($"kill -9 of controller {controller} (3 partitions)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    private async Task<(string Topic, ContinuousProducer Producer)> SetUpAsync(string name, int partitions)
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync(name, partitions);
        Note($"topic {topic}: {await Cluster.DescribeAsync(topic, partitions)}");
        var producer = await StartProducerAsync(topic, partitions);
        return (topic, producer);
    }

    /// <summary>After the fault: every partition accepts writes again, and the producer keeps going for a while.</summary>
    private async Task KeepProducingAsync(ContinuousProducer producer)
    {
        await producer.WaitForAcksAfterLastFaultAsync(50, RecoveryTimeout);
        await producer.WaitForAcksAsync(300, RecoveryTimeout, producer.NowMs);
        Note("producing again");
    }
}
