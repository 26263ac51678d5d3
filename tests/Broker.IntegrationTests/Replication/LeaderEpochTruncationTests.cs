namespace Broker.IntegrationTests.Replication;

/// <summary>
/// Leader-epoch truncation (KIP-101 scenarios): replicas whose logs diverged after leader changes converge on the
/// leader's log. At the end every replica's stored batches below the high watermark are byte-identical, and nothing
/// acknowledged is lost.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class LeaderEpochTruncationTests : ReplicationTestBase
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task FollowerRestartedThenLeaderKilled_ReplicasConvergeByteForByte_AndNothingAcknowledgedIsLost()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("truncate-follower", 1);
        var producer = await StartProducerAsync(topic, 1);
        int leader = await Cluster.LeaderAsync(topic, 0);
        int follower = (await Cluster.ReplicasAsync(topic, 0)).First(r => r != leader);

        Note($"hard bounce of follower {follower}");
        await Cluster.HardBounceAsync(follower);
        await Cluster.WaitForFullIsrAsync(topic, 1, RecoveryTimeout);
        Note("follower back in the ISR");
        var fault = producer.MarkFault($"kill -9 leader {leader}");
        Note(fault.What);
        Cluster.Broker(leader).Kill();
        int next = await Cluster.WaitForNewLeaderAsync(topic, 0, leader);
        Note($"new leader {next}");
        await producer.WaitForAcksAfterLastFaultAsync(100, RecoveryTimeout);

        Note($"old leader {leader} restarts and must truncate to the new leader's log");
        await Cluster.WaitForDeregistrationAsync(leader);
        await Cluster.Broker(leader).StartAsync();
        await Cluster.WaitForFullIsrAsync(topic, 1, RecoveryTimeout);
        await producer.WaitForAcksAsync(200, RecoveryTimeout, producer.NowMs);

        var report = await StopAndVerifyAsync($"follower {follower} bounced, then leader {leader} killed and restarted", fault);
        AssertNothingLostOrDuplicated(report);
        await AssertReplicasIdenticalBelowHighWatermarkAsync(topic, 1);
    }

    [Test]
    public async Task AllThreeKilledAtOnce_RestartedInReverseOrder_ReplicasConvergeByteForByte_AndNothingAcknowledgedIsLost()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("truncate-all", 1);
        var producer = await StartProducerAsync(topic, 1, new ContinuousProducerOptions { MessageTimeoutMs = 60_000 });
        int leader = await Cluster.LeaderAsync(topic, 0);
        var order = (await Cluster.ReplicasAsync(topic, 0)).OrderBy(r => r == leader ? 0 : 1).ToList();

        var fault = producer.MarkFault($"kill -9 of {string.Join(", ", order)} (leader first)");
        Note(fault.What);
        foreach (int id in order) Cluster.Broker(id).Kill();
        foreach (int id in order) await Cluster.WaitForDeregistrationAsync(id);
        foreach (int id in Enumerable.Reverse(order))
        {
            Note($"restart {id}");
            await Cluster.Broker(id).StartAsync();
        }

        await Cluster.WaitForLeaderAsync(topic, 0, timeout: RecoveryTimeout);
        await Cluster.WaitForFullIsrAsync(topic, 1, RecoveryTimeout);
        Note($"ISR full again: {await Cluster.DescribeAsync(topic, 1)}");
        await producer.WaitForAcksAfterLastFaultAsync(100, RecoveryTimeout);
        await producer.WaitForAcksAsync(200, RecoveryTimeout, producer.NowMs);

        var report = await StopAndVerifyAsync($"all three killed (leader {leader} first), restarted in reverse order", fault);
        AssertNothingLostOrDuplicated(report);
        await AssertReplicasIdenticalBelowHighWatermarkAsync(topic, 1);
    }

    /// <summary>
    /// Waits for a full ISR, takes each partition's high watermark, stops the brokers (kill -9: the page cache keeps
    /// what they wrote) and compares their segment files' batches below it byte for byte.
    /// </summary>
    private async Task AssertReplicasIdenticalBelowHighWatermarkAsync(string topic, int partitions)
    {
        await Cluster.WaitForFullIsrAsync(topic, partitions, RecoveryTimeout);
        var logs = await LogReader.ReadAllAsync(Cluster.RunningBootstrap, topic, partitions);
        foreach (var b in Cluster.Brokers) b.Kill();
        foreach (var log in logs)
        {
            var replicas = Cluster.Brokers.Select(b => ReplicaLogFiles.Read(b.BrokerId, b.LogDir, topic, log.Partition, log.HighWatermark)).ToList();
            string summary = string.Join("; ", replicas.Select(r => $"broker {r.BrokerId}: {r.Batches.Count} batches, {r.Bytes.Length} B, next offset {r.NextOffset}"));
            TestContext.Out.WriteLine($"[replication] {topic}-{log.Partition} below high watermark {log.HighWatermark}: {summary}");
            Assert.Multiple(() =>
            {
                foreach (var r in replicas)
                    Assert.That(r.NextOffset, Is.EqualTo(log.HighWatermark), $"broker {r.BrokerId} holds every batch below the high watermark");
                foreach (var r in replicas.Skip(1))
                    Assert.That(replicas[0].FirstDifference(r), Is.Null, $"broker {replicas[0].BrokerId} and broker {r.BrokerId} differ below the high watermark");
            });
        }
    }
}
