namespace Broker.Server.Tests.Partitions;

/// <summary>
/// The high watermark while an ISR expansion is being written (Kafka's maximal ISR, KIP-497's PendingExpandIsr):
/// ZooKeeper may list the new replica as in sync before the leader learns the write succeeded, so the high watermark
/// must already wait for it.
/// </summary>
public class PartitionIsrExpansionTests
{
    [Test]
    public void WhileAnExpansionIsWritten_TheHighWatermarkWaitsForTheReplicaBeingAdded()
    {
        using var h = new PartitionHarness(isr: [1, 2]);
        h.Append(5);
        h.Fetch(2);
        h.Fetch(2);
        Assert.That(h.Partition.HighWatermark, Is.EqualTo(5));

        h.Fetch(3); // reports 0, copies to 5
        h.Fetch(3); // reports 5 = high watermark: caught up, the expansion to [1,2,3] is written
        Assert.That(h.Partition.IsrChangePending, Is.True, "expansion in flight");

        h.Append(5);
        h.Fetch(2);
        h.Fetch(2); // replica 2 reports 10; replica 3 still has 5
        Assert.That(h.Partition.HighWatermark, Is.EqualTo(5), "replica 3 may already be in ZooKeeper's ISR with only 5 records");

        h.Writer.Succeed();
        h.WaitUntilIsrWriteSettled();
        Assert.Multiple(() =>
        {
            Assert.That(h.Writer.ZkIsr, Is.EquivalentTo(new[] { 1, 2, 3 }));
            foreach (int r in h.Writer.ZkIsr)
                Assert.That(h.LogEnd(r), Is.GreaterThanOrEqualTo(h.Partition.HighWatermark), $"replica {r} is in ZooKeeper's ISR below the high watermark");
        });

        h.Fetch(3);
        h.Fetch(3);
        Assert.That(h.Partition.HighWatermark, Is.EqualTo(10), "advances once the added replica has everything");
    }

    [Test]
    public void WhenTheExpansionFails_TheHighWatermarkFollowsTheCommittedIsrAgain()
    {
        using var h = new PartitionHarness(isr: [1, 2]);
        h.Append(5);
        h.Fetch(2);
        h.Fetch(2);
        h.Fetch(3);
        h.Fetch(3);
        h.Append(5);
        h.Fetch(2);
        h.Fetch(2);
        Assert.That(h.Partition.HighWatermark, Is.EqualTo(5));

        h.Writer.Fail();
        h.WaitUntilIsrWriteSettled();
        Assert.That(h.Partition.Isr, Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(h.Partition.HighWatermark, Is.EqualTo(10), "replica 3 is not in sync anywhere: only 1 and 2 count");
    }
}
