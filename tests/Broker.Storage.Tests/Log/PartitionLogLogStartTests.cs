using Broker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Storage.Tests.Log;

/// <summary>DeleteRecords at the storage layer: raising the log start offset (Kafka's maybeIncrementLogStartOffset).</summary>
public class PartitionLogLogStartTests : PartitionLogTestBase
{
    /// <summary>Three closed segments [0,2) [2,4) [4,6) and the active one [6,8).</summary>
    private PartitionLog FourSegments()
    {
        PartitionLog log = Open(new LogConfig { FileDeleteDelayMs = 0, RetentionMs = -1 });
        for (int i = 0; i < 3; i++)
        {
            AppendRecords(log, 2);
            log.Roll();
        }

        AppendRecords(log, 2);
        log.HighWatermark = log.LogEndOffset;
        return log;
    }

    [Test]
    public void Increment_InsideASegment_RefusesReadsBelowAndDeletesOnlyWholeSegmentsBelow()
    {
        PartitionLog log = FourSegments();

        Assert.That(log.MaybeIncrementLogStartOffset(5), Is.True);

        Assert.That(log.LogStartOffset, Is.EqualTo(5));
        Assert.That(log.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 4, 6 }), "[0,2) and [2,4) end at or below 5; [4,6) holds 5");
        Assert.That(Directory.GetFiles(PartitionDir, "*.log"), Has.Length.EqualTo(2));
        Assert.That(log.Read(4, 1 << 20).OffsetOutOfRange, Is.True, "offset 4 is below the new start");
        Assert.That(log.Read(5, 1 << 20).Records.Length, Is.GreaterThan(0));
        Assert.That(log.OffsetForTimestamp(PartitionLog.EarliestTimestamp)!.Value.Offset, Is.EqualTo(5));
    }

    [Test]
    public void Increment_NeverLowersAndNeverDeletesTheActiveSegment()
    {
        PartitionLog log = FourSegments();
        Assert.That(log.MaybeIncrementLogStartOffset(8), Is.True);
        Assert.That(log.MaybeIncrementLogStartOffset(3), Is.False);

        Assert.That(log.LogStartOffset, Is.EqualTo(8));
        Assert.That(log.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 6 }), "the active segment stays");
        Assert.That(() => log.MaybeIncrementLogStartOffset(9), Throws.InstanceOf<ArgumentOutOfRangeException>());
        AppendRecords(log);
        Assert.That(log.LogEndOffset, Is.EqualTo(9));
    }

    [Test]
    public void Reopen_WithCheckpointedStart_KeepsTheStartInsideTheFirstSegment()
    {
        PartitionLog log = FourSegments();
        log.MaybeIncrementLogStartOffset(5);
        log.Dispose();

        PartitionLog reopened = PartitionLog.Open(PartitionDir, new LogConfig(), Time, NullLogger.Instance, recoveryPoint: 0, logStartOffset: 5);
        try
        {
            Assert.That(reopened.LogStartOffset, Is.EqualTo(5));
            Assert.That(reopened.Read(4, 1 << 20).OffsetOutOfRange, Is.True);
        }
        finally
        {
            reopened.Dispose();
        }

        PartitionLog beyond = PartitionLog.Open(PartitionDir, new LogConfig(), Time, NullLogger.Instance, recoveryPoint: 0, logStartOffset: 100);
        try
        {
            Assert.That(beyond.LogStartOffset, Is.EqualTo(8), "a checkpoint past the recovered log end is capped at the end");
        }
        finally
        {
            beyond.Dispose();
        }
    }

    [Test]
    public void Retention_DeletesSegmentsBelowTheLogStartEvenWithoutTimeOrSizeLimits()
    {
        PartitionLog log = FourSegments();
        log.MaybeIncrementLogStartOffset(5);
        log.Dispose();

        // Reopened without the checkpoint's help, a log whose segments still exist below the start (as a follower's
        // after a crash) loses them at the next retention pass.
        PartitionLog reopened = PartitionLog.Open(PartitionDir, new LogConfig { FileDeleteDelayMs = 0, RetentionMs = -1 }, Time, NullLogger.Instance, 0, logStartOffset: 7);
        try
        {
            reopened.HighWatermark = reopened.LogEndOffset;
            Assert.That(reopened.DeleteOldSegments(), Is.EqualTo(1));
            Assert.That(reopened.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 6 }));
            Assert.That(reopened.LogStartOffset, Is.EqualTo(7));
        }
        finally
        {
            reopened.Dispose();
        }
    }
}
