namespace Broker.IntegrationTests.Replication;

/// <summary>
/// An idempotent producer sending fast (many batches in flight, so leader deaths leave retried batches whose first
/// attempt may already be written) never writes a value twice, across two kill -9 failovers.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class IdempotenceUnderFailureTests : ReplicationTestBase
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task RetriesAcrossKillNineFailovers_WriteNoDuplicates()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("idempotent", 1);
        var producer = await StartProducerAsync(topic, 1, new ContinuousProducerOptions
        {
            RatePerSecond = 2000, LingerMs = 2, MaxInFlight = 5, MaxOutstanding = 5000,
        }, warmUpAcks: 2000);

        int first = await Cluster.LeaderAsync(topic, 0);
        var fault = producer.MarkFault($"kill -9 leader {first}");
        Note(fault.What);
        Cluster.Broker(first).Kill();
        int second = await Cluster.WaitForNewLeaderAsync(topic, 0, first);
        await producer.WaitForAcksAfterLastFaultAsync(500, RecoveryTimeout);
        Note($"leader {second}; restarting {first}");
        await Cluster.WaitForDeregistrationAsync(first);
        await Cluster.Broker(first).StartAsync();
        await Cluster.WaitForFullIsrAsync(topic, 1, RecoveryTimeout);

        var fault2 = producer.MarkFault($"kill -9 leader {second}");
        Note(fault2.What);
        Cluster.Broker(second).Kill();
        int third = await Cluster.WaitForNewLeaderAsync(topic, 0, second);
        Note($"leader {third}");
        await producer.WaitForAcksAfterLastFaultAsync(500, RecoveryTimeout);

        var report = await StopAndVerifyAsync($"idempotent producer at 2000/s across kill -9 of {first} then {second}", fault2);
        AssertNothingLostOrDuplicated(report);
        Assert.That(report.Duplicates, Is.Zero);
    }
}
