using System.Buffers.Binary;
using Broker.Protocol.Records;
using Broker.Storage.Log;
using Broker.Storage.Producers;

namespace Broker.Storage.Tests.Log;

/// <summary>
/// A batch with the producer id, epoch and sequence range of a remembered batch but other records (issue 11: kafkajs
/// reuses a sequence after a failed request) is refused, never answered with the stored batch's offsets; an identical
/// retry still is. Checked in memory, after a snapshot reload, after a rebuild from the log and on a follower.
/// </summary>
public class PartitionLogSequenceReuseTests : PartitionLogTestBase
{
    private const long Pid = 11;

    [Test]
    public void Append_SameSequenceOtherRecords_IsRefusedAndWritesNothing()
    {
        PartitionLog log = Open();
        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 0, 2)).IsSuccess, Is.True);
        long size = log.Size;

        LogAppendResult reused = log.Append(Batches.Idempotent(Pid, 0, 0, 2, prefix: "other"));

        Assert.That(reused.Error, Is.EqualTo(RecordBatchError.SequenceReused));
        Assert.That((reused.BaseOffset, reused.LastOffset), Is.EqualTo((-1L, -1L)));
        Assert.That(reused.ErrorMessage, Is.EqualTo($"batch reuses sequence 0 of producer {Pid} (epoch 0) with different records"));
        Assert.That((log.LogEndOffset, log.Size), Is.EqualTo((2L, size)));
        AssertIdenticalRetryIsDuplicate(log, Batches.Idempotent(Pid, 0, 0, 2), 0);
        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 2, 1)).IsSuccess, Is.True, "the producer's state is unchanged");
    }

    [Test]
    public void Append_ReuseOfOlderRememberedBatch_IsRefused()
    {
        PartitionLog log = Open();
        for (int seq = 0; seq < 5; seq++)
        {
            Assert.That(log.Append(Batches.Idempotent(Pid, 0, seq, 1)).IsSuccess, Is.True);
        }

        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 1, 1, prefix: "x")).Error, Is.EqualTo(RecordBatchError.SequenceReused));
        AssertIdenticalRetryIsDuplicate(log, Batches.Idempotent(Pid, 0, 1, 1), 1);
    }

    [Test]
    public void Reopen_FromSnapshot_StillRefusesReuse()
    {
        PartitionLog log = Open();
        log.Append(Batches.Make(1));
        log.Append(Batches.Idempotent(Pid, 0, 0, 3));
        log.Dispose();

        PartitionLog reopened = Open();

        Assert.That(reopened.Producers.SnapshotOffsets(), Does.Contain(4L));
        Assert.That(reopened.Append(Batches.Idempotent(Pid, 0, 0, 3, prefix: "other")).Error, Is.EqualTo(RecordBatchError.SequenceReused));
        AssertIdenticalRetryIsDuplicate(reopened, Batches.Idempotent(Pid, 0, 0, 3), 1);
    }

    [Test]
    public void Reopen_WithoutSnapshots_RebuildTakesCrcsFromBatchHeaders()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 2, 0, 3));
        log.Dispose();
        DeleteSnapshots();

        PartitionLog reopened = Open();

        Assert.That(reopened.Append(Batches.Idempotent(Pid, 2, 0, 3, prefix: "other")).Error, Is.EqualTo(RecordBatchError.SequenceReused));
        AssertIdenticalRetryIsDuplicate(reopened, Batches.Idempotent(Pid, 2, 0, 3), 0);
    }

    [Test]
    public void AppendAsFollower_StateRefusesReuseOnceLeader()
    {
        PartitionLog log = Open();
        byte[] copied = Batches.Idempotent(Pid, 0, 0, 2);
        RecordBatch.SetBaseOffset(copied, 0);
        Assert.That(log.AppendAsFollower(copied).IsSuccess, Is.True);

        Assert.That(log.Append(Batches.Idempotent(Pid, 0, 0, 2, prefix: "other")).Error, Is.EqualTo(RecordBatchError.SequenceReused));
        AssertIdenticalRetryIsDuplicate(log, Batches.Idempotent(Pid, 0, 0, 2), 0);
    }

    [Test]
    public void RetryReencodedWithNewTimestamps_IsStillDuplicate()
    {
        // kafkajs re-encodes a batch on each retry and, without application timestamps, with a new base/max
        // timestamp: header bytes (and header CRC) differ, the records do not. Such a retry must still be a duplicate.
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 3, timestamp: 1_700_000_000_000));

        AssertIdenticalRetryIsDuplicate(log, Batches.Idempotent(Pid, 0, 0, 3, timestamp: 1_700_000_000_450), 0);
    }

    [Test]
    public void LogAppendTime_RebuiltState_KnowsRecordsCrc()
    {
        // The leader rewrites attributes, maxTimestamp and the header CRC when it stamps LogAppendTime; the records
        // section is untouched, so state rebuilt from the stamped log still tells a retry from a reuse.
        var config = new LogConfig { MessageTimestampType = TimestampType.LogAppendTime };
        PartitionLog log = Open(config);
        log.Append(Batches.Idempotent(Pid, 0, 0, 2));
        log.Dispose();
        DeleteSnapshots();

        PartitionLog reopened = Open(config);

        Assert.That(reopened.Append(Batches.Idempotent(Pid, 0, 0, 2, prefix: "other")).Error, Is.EqualTo(RecordBatchError.SequenceReused));
        AssertIdenticalRetryIsDuplicate(reopened, Batches.Idempotent(Pid, 0, 0, 2), 0);
    }

    [Test]
    public void Reopen_FromVersion1Snapshot_FallsBackToSequenceRangeOnly()
    {
        PartitionLog log = Open();
        log.Append(Batches.Idempotent(Pid, 0, 0, 2));
        log.Dispose();
        DeleteSnapshots();
        WriteVersion1Snapshot(offset: 2, Pid, epoch: 0, new BatchMetadata(0, 1, 0, 1));

        PartitionLog reopened = Open();

        Assert.That(reopened.Producers.TryGetEntry(Pid, out ProducerStateEntry entry), Is.True);
        Assert.That(entry.Batches, Is.EqualTo(new[] { new BatchMetadata(0, 1, 0, 1) }), "a version-1 snapshot loads, CRC unknown");
        LogAppendResult other = reopened.Append(Batches.Idempotent(Pid, 0, 0, 2, prefix: "other"));
        Assert.That((other.Error, other.BaseOffset), Is.EqualTo((RecordBatchError.DuplicateSequence, 0L)));
    }

    private static void AssertIdenticalRetryIsDuplicate(PartitionLog log, byte[] batch, long originalOffset)
    {
        long end = log.LogEndOffset;
        LogAppendResult retry = log.Append(batch);
        Assert.That((retry.Error, retry.BaseOffset), Is.EqualTo((RecordBatchError.DuplicateSequence, originalOffset)));
        Assert.That(log.LogEndOffset, Is.EqualTo(end));
    }

    private void DeleteSnapshots()
    {
        foreach (string file in Directory.GetFiles(PartitionDir, "*.snapshot"))
        {
            File.Delete(file);
        }
    }

    /// <summary>Writes the snapshot format brokers wrote before batch CRCs were kept (version 1).</summary>
    private void WriteVersion1Snapshot(long offset, long producerId, short epoch, BatchMetadata batch)
    {
        byte[] data = new byte[14 + 19 + 24];
        Span<byte> span = data;
        BinaryPrimitives.WriteUInt32BigEndian(span, 0x50534E50);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], 1);
        BinaryPrimitives.WriteInt32BigEndian(span[10..], 1);
        BinaryPrimitives.WriteInt64BigEndian(span[14..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[22..], epoch);
        BinaryPrimitives.WriteInt64BigEndian(span[24..], 1_700_000_000_001);
        span[32] = 1;
        BinaryPrimitives.WriteInt32BigEndian(span[33..], batch.FirstSeq);
        BinaryPrimitives.WriteInt32BigEndian(span[37..], batch.LastSeq);
        BinaryPrimitives.WriteInt64BigEndian(span[41..], batch.FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(span[49..], batch.LastOffset);
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], Crc32C.Compute(span[10..]));
        File.WriteAllBytes(Path.Combine(PartitionDir, $"{offset:D20}.snapshot"), data);
    }
}
