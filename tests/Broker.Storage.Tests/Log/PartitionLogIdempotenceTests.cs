using Broker.Protocol.Records;
using Broker.Storage.Log;
using Broker.Storage.Producers;

namespace Broker.Storage.Tests.Log;

/// <summary>Producer state inside the log: checks on append, snapshots, restart, truncation and retention.</summary>
public class PartitionLogIdempotenceTests : PartitionLogTestBase
{
    private const long Pid = 7;

    [Test]
    public void Append_WithoutProducerId_KeepsNoState()
    {
        PartitionLog log = Open();

        AppendRecords(log, 3);

        Assert.That(log.Producers.Count, Is.EqualTo(0));
    }

    [Test]
    public void Append_Duplicate_ReturnsOriginalOffsetsAndWritesNothing()
    {
        PartitionLog log = Open();
        AppendRecords(log, 2);
        byte[] batch = Batches.Idempotent(Pid, 0, 0, 3);
        LogAppendResult first = log.Append(batch.ToArray());
        long size = log.Size;

        LogAppendResult retry = log.Append(batch.ToArray());

        Assert.That(first.IsSuccess, Is.True);
        Assert.That(retry.Error, Is.EqualTo(RecordBatchError.DuplicateSequence));
        Assert.That((retry.BaseOffset, retry.LastOffset), Is.EqualTo((2L, 4L)));
        Assert.That((log.LogEndOffset, log.Size), Is.EqualTo((5L, size)));
    }

    [Test]
    public void Append_SequenceGap_IsOutOfOrderAndWritesNothing()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 3));

        LogAppendResult result = log.Append(Batches.Idempotent(Pid, 0, 4, 1));

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.OutOfOrderSequence));
        Assert.That(result.BaseOffset, Is.EqualTo(-1));
        Assert.That(log.LogEndOffset, Is.EqualTo(3));
        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 3, 1)).IsSuccess, Is.True);
    }

    [Test]
    public void Append_OldEpochAfterBump_IsInvalidProducerEpoch()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 2));
        Assert.That(log.Append(Batches.Idempotent(Pid, 1, 0, 1)).IsSuccess, Is.True);

        LogAppendResult result = log.Append(Batches.Idempotent(Pid, 0, 2, 1));

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.InvalidProducerEpoch));
        Assert.That(log.LogEndOffset, Is.EqualTo(3));
    }

    [Test]
    public void Append_SeveralBatches_OneBadWritesNoneAndKeepsState()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 1));

        LogAppendResult result = log.Append(RecordBatchBuilder.Concat(Batches.Idempotent(Pid, 0, 1, 1), Batches.Make(1), Batches.Idempotent(Pid, 0, 5, 1)));

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.OutOfOrderSequence));
        Assert.That(log.LogEndOffset, Is.EqualTo(1));
        Assert.That(log.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.LastSeq == 0, Is.True);
        Assert.That(log.Append(RecordBatchBuilder.Concat(Batches.Idempotent(Pid, 0, 1, 1), Batches.Idempotent(Pid, 0, 2, 2))).IsSuccess, Is.True);
        Assert.That(log.Producers.TryGetEntry(Pid, out entry) && entry.LastSeq == 3 && entry.LastOffset == 3, Is.True);
    }

    [Test]
    public void AppendAsFollower_RecordsStateWithoutChecks()
    {
        PartitionLog log = Open();
        byte[] batch = Batches.Idempotent(Pid, 3, 10, 2);
        RecordBatch.SetBaseOffset(batch, 0);

        Assert.That(log.AppendAsFollower(batch).IsSuccess, Is.True);

        Assert.That(log.Producers.TryGetEntry(Pid, out ProducerStateEntry entry), Is.True);
        Assert.That(entry.Batches, Is.EqualTo(new[] { new BatchMetadata(10, 11, 0, 1, RecordsFingerprint.Of(RecordBatchHeader.Read(batch))) }));
    }

    [Test]
    public void Roll_WritesSnapshotAtNewSegmentBase()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 3));

        log.Roll();

        Assert.That(File.Exists(Path.Combine(PartitionDir, "00000000000000000003.snapshot")), Is.True);
        Assert.That(log.Producers.SnapshotOffsets(), Is.EqualTo(new long[] { 3 }));
    }

    [Test]
    public void Reopen_AfterCleanClose_StillDetectsDuplicate()
    {
        PartitionLog log = Open();
        byte[] batch = Batches.Idempotent(Pid, 0, 0, 3);
        log.Append(batch.ToArray());
        log.Dispose();

        PartitionLog reopened = Open();
        LogAppendResult retry = reopened.Append(batch.ToArray());

        Assert.That(reopened.Producers.SnapshotOffsets(), Does.Contain(3L));
        Assert.That(retry.Error, Is.EqualTo(RecordBatchError.DuplicateSequence));
        Assert.That(retry.BaseOffset, Is.EqualTo(0));
        Assert.That(reopened.LogEndOffset, Is.EqualTo(3));
    }

    [Test]
    public void Reopen_WithoutSnapshots_RebuildsFromLog()
    {
        var config = new LogConfig { SegmentBytes = 400 };
        PartitionLog log = Open(config);
        for (int i = 0; i < 10; i++)
        {
            Assert.That(log.Append(Batches.Idempotent(Pid, 1, i * 2, 2)).IsSuccess, Is.True);
        }

        Assert.That(log.Segments, Has.Count.GreaterThan(1));
        log.Dispose();
        foreach (string file in Directory.GetFiles(PartitionDir, "*.snapshot"))
        {
            File.Delete(file);
        }

        PartitionLog reopened = Open(config);

        Assert.That(reopened.Producers.TryGetEntry(Pid, out ProducerStateEntry entry), Is.True);
        Assert.That((entry.ProducerEpoch, entry.LastSeq, entry.LastOffset), Is.EqualTo(((short)1, 19, 19L)));
        Assert.That(reopened.Append(Batches.Idempotent(Pid, 1, 18, 2)).Error, Is.EqualTo(RecordBatchError.DuplicateSequence));
        Assert.That(reopened.Append(Batches.Idempotent(Pid, 1, 20, 1)).IsSuccess, Is.True);
    }

    [Test]
    public void Reopen_CorruptLatestSnapshot_UsesOlderSnapshotAndReplays()
    {
        var config = new LogConfig { SegmentBytes = 400 };
        PartitionLog log = Open(config);
        for (int i = 0; i < 10; i++)
        {
            log.Append(Batches.Idempotent(Pid, 0, i, 1));
        }

        log.Dispose();
        IReadOnlyList<long> snapshots = log.Producers.SnapshotOffsets();
        Assert.That(snapshots, Has.Count.EqualTo(2));
        string latest = Path.Combine(PartitionDir, snapshots[^1].ToString("D20") + ".snapshot");
        File.WriteAllBytes(latest, new byte[20]);

        PartitionLog reopened = Open(config);

        Assert.That(reopened.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.LastSeq == 9, Is.True);
        Assert.That(File.Exists(latest), Is.False);
    }

    [Test]
    public void Truncate_RebuildsStateAndDropsLaterSnapshots()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 5));   // offsets 0..4
        log.Roll();                                      // snapshot at 5
        log.Append(Batches.Idempotent(Pid, 0, 5, 5));   // offsets 5..9
        log.Roll();                                      // snapshot at 10
        log.Append(Batches.Idempotent(Pid, 0, 10, 5));  // offsets 10..14

        log.Truncate(7);

        Assert.That(log.LogEndOffset, Is.EqualTo(5));
        Assert.That(log.Producers.SnapshotOffsets(), Is.EqualTo(new long[] { 5 }));
        Assert.That(log.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.LastSeq == 4, Is.True);
        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 5, 5)).IsSuccess, Is.True, "the truncated batch may be sent again");
    }

    [Test]
    public void Truncate_WithinActiveSegment_ReplaysFromSnapshot()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 2));
        log.Roll();
        log.Append(Batches.Idempotent(Pid, 0, 2, 2));
        log.Append(Batches.Idempotent(Pid, 0, 4, 2));

        log.Truncate(4);

        Assert.That(log.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.LastSeq == 3 && entry.LastOffset == 3, Is.True);
    }

    [Test]
    public void TruncateFullyAndStartAt_ClearsStateAndSnapshots()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 2));
        log.Roll();

        log.TruncateFullyAndStartAt(100);

        Assert.That(log.Producers.Count, Is.EqualTo(0));
        Assert.That(log.Producers.SnapshotOffsets(), Is.Empty);
        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 17, 1)).IsSuccess, Is.True, "unknown again: any sequence");
    }

    [Test]
    public void Retention_ForgetsProducersWhoseBatchesAreDeleted()
    {
        int batchSize = Batches.Idempotent(Pid, 0, 0, 1).Length;
        PartitionLog log = Open(new LogConfig { SegmentBytes = batchSize * 2, RetentionBytes = batchSize * 2, FileDeleteDelayMs = 0 });
        log.Append(Batches.Idempotent(Pid, 0, 0, 1));
        log.Append(Batches.Idempotent(Pid + 1, 0, 0, 1));
        for (int i = 1; i < 6; i++)
        {
            log.Append(Batches.Idempotent(Pid + 1, 0, i, 1));
        }

        log.HighWatermark = log.LogEndOffset; // everything replicated
        log.DeleteOldSegments();

        Assert.That(log.LogStartOffset, Is.GreaterThan(0));
        Assert.That(log.Producers.TryGetEntry(Pid, out _), Is.False);
        Assert.That(log.Producers.TryGetEntry(Pid + 1, out _), Is.True);
    }
}
