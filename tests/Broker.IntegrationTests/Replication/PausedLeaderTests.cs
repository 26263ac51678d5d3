using Broker.IntegrationTests.Cluster;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// A leader frozen (SIGSTOP) for longer than its ZooKeeper session is deposed; when it wakes (SIGCONT) it still
/// believes it leads and holds produce requests. It must not acknowledge anything after being deposed: every value the
/// producer saw acknowledged is in the final log.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class PausedLeaderTests : ReplicationTestBase
{
    [Test]
    public async Task LeaderPausedPastItsSession_IsDeposed_AndAcknowledgesNothingAfterwards()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("paused-leader", 1);
        var producer = await StartProducerAsync(topic, 1);
        int leader = await Cluster.LeaderAsync(topic, 0);

        var fault = producer.MarkFault($"SIGSTOP leader {leader}");
        Note(fault.What);
        Cluster.Broker(leader).Pause();
        int next = await Cluster.WaitForNewLeaderAsync(topic, 0, leader);
        double deposedAt = producer.NowMs;
        Note($"new leader {next} after {deposedAt - fault.AtMs:0} ms (session timeout {TestCluster.SessionTimeoutMs} ms)");
        await producer.WaitForAcksAfterLastFaultAsync(100, TimeSpan.FromSeconds(40));

        Note($"SIGCONT {leader}");
        Cluster.Broker(leader).Resume();
        double resumedAt = producer.NowMs;
        await Cluster.WaitForFullIsrAsync(topic, 1, TimeSpan.FromSeconds(45));
        Note("old leader back in the ISR as a follower");
        await producer.WaitForAcksAsync(300, TimeSpan.FromSeconds(40), producer.NowMs);

        var report = await StopAndVerifyAsync($"leader {leader} paused {resumedAt - fault.AtMs:0} ms, deposed by {next}", fault);
        int ackedAfterResume = producer.Acks.Count(a => a.AckedMs >= resumedAt);
        TestContext.Out.WriteLine($"[replication] acknowledgments after SIGCONT: {ackedAfterResume} (all must be in the log: lost={report.Lost})");
        Assert.That(deposedAt - fault.AtMs, Is.GreaterThan(TestCluster.SessionTimeoutMs * 0.8), "deposed only after its session could expire");
        AssertNothingLostOrDuplicated(report);
    }
}
