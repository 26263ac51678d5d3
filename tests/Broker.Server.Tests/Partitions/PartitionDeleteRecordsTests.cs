using Broker.Protocol;
using Broker.Storage;

namespace Broker.Server.Tests.Partitions;

/// <summary>DeleteRecords on the leader and the low watermark (Kafka's deleteRecordsOnLeader / lowWatermarkIfLeader).</summary>
public class PartitionDeleteRecordsTests
{
    [Test]
    public void DeleteRecords_BoundsAndTheLowWatermarkOfLiveReplicas()
    {
        using var h = new PartitionHarness(isr: [1, 2, 3]);
        h.Append(10);
        foreach (int r in new[] { 2, 3 }) { h.Fetch(r); h.Fetch(r); }
        Assert.That(h.Partition.HighWatermark, Is.EqualTo(10));

        Assert.That(h.Partition.DeleteRecordsAsLeader(11).Error, Is.EqualTo(ErrorCode.OffsetOutOfRange), "above the high watermark");
        Assert.That(h.Partition.DeleteRecordsAsLeader(-2).Error, Is.EqualTo(ErrorCode.OffsetOutOfRange));
        Assert.That(h.Partition.DeleteRecordsAsLeader(-1), Is.EqualTo((ErrorCode.None, 10L)), "-1 is the high watermark");
        Assert.That(h.Log.LogStartOffset, Is.EqualTo(10));

        // Followers have not reported a log start under this leader: -1 holds the low watermark back while alive.
        Assert.That(h.Partition.LowWatermark(_ => true), Is.EqualTo(-1));
        Assert.That(h.Partition.LowWatermark(r => r == 1), Is.EqualTo(10), "dead brokers do not count");
        h.Partition.UpdateFollowerFetchState(2, 10, logStartOffset: 10);
        h.Partition.UpdateFollowerFetchState(3, 10, logStartOffset: 4);
        Assert.That(h.Partition.LowWatermark(_ => true), Is.EqualTo(4));
        h.Partition.UpdateFollowerFetchState(3, 10, logStartOffset: 10);
        Assert.That(h.Partition.LowWatermark(_ => true), Is.EqualTo(10));
    }

    [Test]
    public void DeleteRecords_CompactOnlyPolicy_IsAPolicyViolation_AndAFollowerIsRefused()
    {
        using var h = new PartitionHarness(isr: [1]);
        h.Append(5);
        h.Log.Config = LogConfig.Default with { Delete = false, Compact = true };
        Assert.That(h.Partition.DeleteRecordsAsLeader(2).Error, Is.EqualTo(ErrorCode.PolicyViolation));
        Assert.That(h.Log.LogStartOffset, Is.Zero);

        h.Partition.MakeFollower(2, 2, PartitionHarness.AllReplicas, [2], 5);
        Assert.That(h.Partition.DeleteRecordsAsLeader(2).Error, Is.EqualTo(ErrorCode.NotLeaderOrFollower));
        Assert.That(h.Partition.LowWatermark(_ => true), Is.Null);
    }
}
