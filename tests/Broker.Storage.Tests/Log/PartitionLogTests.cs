using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

public class PartitionLogTests : PartitionLogTestBase
{
    [Test]
    public void Open_EmptyDirectory_StartsAtZero()
    {
        PartitionLog log = Open();

        Assert.That(log.TopicPartition, Is.EqualTo(new TopicPartition("my-topic", 0)));
        Assert.That((log.LogStartOffset, log.LogEndOffset), Is.EqualTo((0L, 0L)));
        Assert.That(File.Exists(Path.Combine(PartitionDir, "00000000000000000000.log")), Is.True);
        Assert.That(File.Exists(Path.Combine(PartitionDir, "00000000000000000000.index")), Is.True);
        Assert.That(File.Exists(Path.Combine(PartitionDir, "00000000000000000000.timeindex")), Is.True);
    }

    [Test]
    public void Append_AssignsSequentialOffsetsAcrossBatches()
    {
        PartitionLog log = Open();
        AppendRecords(log, 3);

        LogAppendResult result = log.Append(RecordBatchBuilder.Concat(Batches.Make(2), Batches.Make(4)), leaderEpoch: 5);

        Assert.That((result.BaseOffset, result.LastOffset, result.RecordCount, result.BatchCount), Is.EqualTo((3L, 8L, 6L, 2)));
        Assert.That(result.LogAppendTime, Is.EqualTo(-1));
        Assert.That(log.LogEndOffset, Is.EqualTo(9));
        List<RecordBatchHeader> headers = Batches.Headers(log.Read(0, 1 << 20).Records.Span);
        Assert.That(headers.Select(h => h.BaseOffset), Is.EqualTo(new long[] { 0, 3, 5 }));
        Assert.That(headers.Select(h => h.PartitionLeaderEpoch), Is.EqualTo(new[] { 0, 5, 5 }));
    }

    [Test]
    public void Append_InvalidBatch_WritesNothing()
    {
        PartitionLog log = Open();
        AppendRecords(log, 2);
        long size = log.Size;
        byte[] bad = RecordBatchBuilder.Concat(Batches.Make(1), Batches.Make(1));
        bad[^1] ^= 0xFF;

        LogAppendResult result = log.Append(bad);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.CorruptMessage));
        Assert.That(result.BaseOffset, Is.EqualTo(-1));
        Assert.That((log.LogEndOffset, log.Size), Is.EqualTo((2L, size)));
    }

    [Test]
    public void Append_TooLarge_IsRejected()
    {
        PartitionLog log = Open(new LogConfig { MaxMessageBytes = 200 });

        Assert.That(log.Append(Batches.Make(10, valueBytes: 50)).Error, Is.EqualTo(RecordBatchError.RecordTooLarge));
        Assert.That(log.LogEndOffset, Is.EqualTo(0));
    }

    [Test]
    public void Append_LogAppendTime_StampsBrokerClock()
    {
        PartitionLog log = Open(new LogConfig { MessageTimestampType = TimestampType.LogAppendTime });

        LogAppendResult result = log.Append(Batches.Make(2, timestamp: 5));

        Assert.That(result.LogAppendTime, Is.EqualTo(NowMs));
        RecordBatchHeader header = RecordBatchHeader.Read(log.Read(0, 1000).Records.Span);
        Assert.That(header.TimestampType, Is.EqualTo(TimestampType.LogAppendTime));
        Assert.That(header.MaxTimestamp, Is.EqualTo(NowMs));
    }

    [Test]
    public void Read_OutsideLog_IsOffsetOutOfRange()
    {
        PartitionLog log = Open();
        AppendRecords(log, 3);

        LogReadResult beyond = log.Read(4, 1000);
        LogReadResult atEnd = log.Read(3, 1000);

        Assert.That(beyond.OffsetOutOfRange, Is.True);
        Assert.That(beyond.LogEndOffset, Is.EqualTo(3));
        Assert.That(atEnd.OffsetOutOfRange, Is.False);
        Assert.That(atEnd.Records.IsEmpty, Is.True);
        Assert.That(log.Read(-1, 1000).OffsetOutOfRange, Is.True);
    }

    [Test]
    public void Read_MiddleOfBatch_ReturnsWholeBatch()
    {
        PartitionLog log = Open();
        AppendRecords(log, 5);

        LogReadResult result = log.Read(3, 1);

        Assert.That(Batches.Values(result.Records.Span), Has.Count.EqualTo(5));
    }

    [Test]
    public void Roll_WhenSegmentBytesExceeded_StartsNewSegmentAtLogEnd()
    {
        int batchSize = Batches.Make(1, valueBytes: 100).Length;
        PartitionLog log = Open(new LogConfig { SegmentBytes = (batchSize * 3) + 10 });

        for (int i = 0; i < 7; i++)
        {
            AppendRecords(log, 1, valueBytes: 100);
        }

        Assert.That(log.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 0, 3, 6 }));
        Assert.That(log.Segments.All(s => s.Size <= (batchSize * 3) + 10), Is.True);
        Assert.That(Batches.Values(log.Read(3, 1 << 20).Records.Span), Has.Count.EqualTo(3), "one segment per read");
        Assert.That(Batches.Headers(log.Read(6, 1 << 20).Records.Span).Single().BaseOffset, Is.EqualTo(6));
    }

    [Test]
    public void Roll_WhenSegmentMsPassedSinceFirstAppend()
    {
        PartitionLog log = Open(new LogConfig { SegmentMs = 60_000 });
        AppendRecords(log);
        Time.Advance(TimeSpan.FromSeconds(59));
        AppendRecords(log);
        Assert.That(log.Segments, Has.Count.EqualTo(1));

        Time.Advance(TimeSpan.FromSeconds(2));
        AppendRecords(log);

        Assert.That(log.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 0, 2 }));
        Assert.That(log.Read(0, 1 << 20).Records.Length, Is.GreaterThan(0));
    }

    [Test]
    public void Retention_ByTime_DeletesExpiredSegmentsButNeverActive()
    {
        PartitionLog log = Open(new LogConfig { RetentionMs = 60_000, FileDeleteDelayMs = 0 });
        AppendRecords(log, 2);
        log.Roll();
        AppendRecords(log, 2);
        log.Roll();
        Time.Advance(TimeSpan.FromMinutes(2));
        AppendRecords(log, 2);

        log.HighWatermark = log.LogEndOffset; // everything replicated
        int deleted = log.DeleteOldSegments();

        Assert.That(deleted, Is.EqualTo(2));
        Assert.That(log.LogStartOffset, Is.EqualTo(4));
        Assert.That(log.Segments.Single().BaseOffset, Is.EqualTo(4));
        Assert.That(log.Read(0, 100).OffsetOutOfRange, Is.True);
        Assert.That(Directory.GetFiles(PartitionDir, "*.log"), Has.Length.EqualTo(1));

        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(log.DeleteOldSegments(), Is.EqualTo(0), "the active segment stays");
    }

    [Test]
    public void Retention_KeepsSegmentsNotBelowTheHighWatermark()
    {
        // Kafka deletes a segment only when its end (the next segment's base offset) is at or below the high
        // watermark: above it the data may not be on the followers yet, and a new leader may still need it.
        PartitionLog log = Open(new LogConfig { RetentionMs = 60_000, FileDeleteDelayMs = 0 });
        AppendRecords(log, 2);
        log.Roll();
        AppendRecords(log, 2);
        log.Roll();
        AppendRecords(log, 2);
        log.Roll();
        Time.Advance(TimeSpan.FromMinutes(2));
        AppendRecords(log, 2);

        log.HighWatermark = 3; // inside the second segment [2, 4)
        Assert.That(log.DeleteOldSegments(), Is.EqualTo(1), "only the segment ending at 2 <= high watermark 3");
        Assert.That(log.LogStartOffset, Is.EqualTo(2));

        log.HighWatermark = 4; // the second segment now ends exactly at the high watermark
        Assert.That(log.DeleteOldSegments(), Is.EqualTo(1));
        Assert.That(log.LogStartOffset, Is.EqualTo(4));
        Assert.That(log.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 4, 6 }), "[4, 6) is above the high watermark, and 6 is active");
    }

    [Test]
    public void Retention_BySize_DeletesOldestWhileRestExceedsLimit()
    {
        int batchSize = Batches.Make(1, valueBytes: 100).Length;
        PartitionLog log = Open(new LogConfig { SegmentBytes = batchSize * 2, RetentionBytes = batchSize * 5, FileDeleteDelayMs = 0 });
        for (int i = 0; i < 10; i++)
        {
            AppendRecords(log, 1, valueBytes: 100);
        }

        log.HighWatermark = log.LogEndOffset; // everything replicated
        log.DeleteOldSegments();

        // As Kafka: a segment goes only if the rest still holds retention.bytes, so at most one segment over.
        Assert.That(log.Size, Is.GreaterThanOrEqualTo(batchSize * 5).And.LessThan(batchSize * 7));
        Assert.That(log.LogStartOffset, Is.EqualTo(4));
        Assert.That(log.LogEndOffset, Is.EqualTo(10));
    }

    [Test]
    public void Retention_WithDeleteDelay_RemovesFilesAfterDelay()
    {
        PartitionLog log = Open(new LogConfig { RetentionMs = 1000, FileDeleteDelayMs = 30_000 });
        AppendRecords(log);
        log.Roll();
        Time.Advance(TimeSpan.FromSeconds(5));
        log.HighWatermark = log.LogEndOffset; // everything replicated
        log.DeleteOldSegments();

        Assert.That(Directory.GetFiles(PartitionDir, "*.deleted"), Has.Length.EqualTo(3));
        Time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(Directory.GetFiles(PartitionDir, "*.deleted"), Is.Empty);
    }

    [Test]
    public void OffsetForTimestamp_FollowsListOffsetsSemantics()
    {
        PartitionLog log = Open();
        AppendRecords(log, 3, timestamp: 1000);  // 1000..1002 at offsets 0..2
        log.Roll();
        AppendRecords(log, 3, timestamp: 5000);  // 5000..5002 at offsets 3..5
        AppendRecords(log, 1, timestamp: 2000);  // offset 6

        Assert.That(log.OffsetForTimestamp(PartitionLog.LatestTimestamp), Is.EqualTo(new TimestampAndOffset(-1, 7)));
        Assert.That(log.OffsetForTimestamp(PartitionLog.EarliestTimestamp), Is.EqualTo(new TimestampAndOffset(-1, 0)));
        Assert.That(log.OffsetForTimestamp(PartitionLog.MaxTimestampSpec), Is.EqualTo(new TimestampAndOffset(5002, 5)), "the record, not its batch");
        Assert.That(log.OffsetForTimestamp(1001), Is.EqualTo(new TimestampAndOffset(1001, 1)));
        Assert.That(log.OffsetForTimestamp(1003), Is.EqualTo(new TimestampAndOffset(5000, 3)));
        Assert.That(log.OffsetForTimestamp(6000), Is.Null);
    }

    [Test]
    public void MaxTimestamp_IsTheFirstRecordWithTheLargestTimestamp_AcrossSegmentsOutOfOrder_AndAfterReopen()
    {
        PartitionLog log = Open();
        log.Append(Stamped(1000, 2000));        // offsets 0-1
        log.Roll();
        log.Append(Stamped(3000, 9000, 4000));  // offsets 2-4: max at 3
        log.Append(Stamped(6000));              // offset 5
        log.Roll();
        log.Append(Stamped(5000, 9000));        // offsets 6-7: a later tie
        var expected = new TimestampAndOffset(9000, 3);
        Assert.That(log.OffsetForTimestamp(PartitionLog.MaxTimestampSpec), Is.EqualTo(expected));

        long end = log.LogEndOffset;
        log.Dispose();
        // Reopened without a recovery scan, the segments' max timestamps come from their time indexes.
        PartitionLog reopened = Open(recoveryPoint: end);
        Assert.That(reopened.OffsetForTimestamp(PartitionLog.MaxTimestampSpec), Is.EqualTo(expected), "after reopen");
    }

    private static byte[] Stamped(params long[] timestamps)
    {
        var builder = new Broker.Protocol.Records.RecordBatchBuilder(timestamps[0]);
        foreach (long t in timestamps) builder.Add(null, System.Text.Encoding.UTF8.GetBytes("v" + t), t);
        return builder.Build();
    }

    [Test]
    public void Flush_AfterFlushIntervalMessages_AdvancesRecoveryPoint()
    {
        PartitionLog log = Open(new LogConfig { FlushIntervalMessages = 3 });
        AppendRecords(log, 2);
        Assert.That(log.RecoveryPoint, Is.EqualTo(0));

        AppendRecords(log, 1);

        Assert.That(log.RecoveryPoint, Is.EqualTo(3));
    }

    [Test]
    public void FlushIfDue_AfterFlushMs_Flushes()
    {
        PartitionLog log = Open(new LogConfig { FlushIntervalMs = 1000 });
        AppendRecords(log, 2);
        Assert.That(log.FlushIfDue(), Is.False);

        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(log.FlushIfDue(), Is.True);
        Assert.That(log.RecoveryPoint, Is.EqualTo(2));
    }

    [Test]
    public void Truncate_RemovesLaterSegmentsAndContinuesFromNewEnd()
    {
        PartitionLog log = Open(new LogConfig { FileDeleteDelayMs = 0 });
        for (int i = 0; i < 4; i++)
        {
            AppendRecords(log, 2);
            log.Roll();
        }

        long end = log.Truncate(3);

        Assert.That(end, Is.EqualTo(2), "the batch holding offset 3 (2..3) goes whole");
        Assert.That(log.Segments.Select(s => s.BaseOffset), Is.EqualTo(new long[] { 0, 2 }));
        Assert.That(log.Segments[^1].Size, Is.EqualTo(0));
        Assert.That(AppendRecords(log, 1).BaseOffset, Is.EqualTo(2));
        Assert.That(Batches.Values(log.Read(0, 1 << 20).Records.Span), Has.Count.EqualTo(2));
    }

    [Test]
    public void TruncateFullyAndStartAt_EmptiesLogAtOffset()
    {
        PartitionLog log = Open(new LogConfig { FileDeleteDelayMs = 0 });
        AppendRecords(log, 5);

        log.TruncateFullyAndStartAt(100);

        Assert.That((log.LogStartOffset, log.LogEndOffset), Is.EqualTo((100L, 100L)));
        Assert.That(AppendRecords(log).BaseOffset, Is.EqualTo(100));
        Assert.That(Directory.GetFiles(PartitionDir, "*.log").Select(Path.GetFileName), Is.EqualTo(new[] { "00000000000000000100.log" }));
    }

    [Test]
    public void AppendAsFollower_KeepsLeaderOffsetsAndGapsRejectsOverlaps()
    {
        PartitionLog log = Open();
        byte[] batch = Batches.Make(3);
        RecordBatch.SetBaseOffset(batch, 0);
        RecordBatch.SetPartitionLeaderEpoch(batch, 9);
        Assert.That(log.AppendAsFollower(batch).LastOffset, Is.EqualTo(2));

        byte[] overlap = Batches.Make(1);
        RecordBatch.SetBaseOffset(overlap, 2);
        Assert.That(log.AppendAsFollower(overlap).Error, Is.EqualTo(RecordBatchError.InvalidRecord));

        // A compacted leader log has gaps (Kafka keeps original offsets); the follower copies them as they are.
        byte[] gap = Batches.Make(1);
        RecordBatch.SetBaseOffset(gap, 10);
        Assert.That(log.AppendAsFollower(gap).Error, Is.EqualTo(RecordBatchError.None));
        Assert.That(log.LogEndOffset, Is.EqualTo(11));
        Assert.That(RecordBatchHeader.Read(log.Read(0, 1000).Records.Span).PartitionLeaderEpoch, Is.EqualTo(9));
    }

    [Test]
    public void Delete_RemovesDirectory()
    {
        PartitionLog log = Open();
        AppendRecords(log);

        log.Delete();

        Assert.That(Directory.Exists(PartitionDir), Is.False);
    }
}
