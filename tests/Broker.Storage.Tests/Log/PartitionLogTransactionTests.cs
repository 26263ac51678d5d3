using System.Buffers.Binary;
using Broker.Protocol.Records;
using Broker.Storage.Log;
using Broker.Storage.Producers;

namespace Broker.Storage.Tests.Log;

/// <summary>Transactions in the log: open transactions, markers, the last stable offset, fencing, restart and replication.</summary>
public class PartitionLogTransactionTests : PartitionLogTestBase
{
    private const long Pid = 11;

    [Test]
    public void TransactionalBatch_HoldsLastStableOffset_UntilMarker()
    {
        PartitionLog log = Open();
        AppendRecords(log, 2);
        Assert.That(log.Append(Batches.Transactional(Pid, 0, 0, 3)).IsSuccess, Is.True);
        Assert.That(log.Append(Batches.Transactional(Pid, 0, 3, 1)).IsSuccess, Is.True);

        Assert.That(log.Producers.FirstUnstableOffset, Is.EqualTo(2));
        Assert.That(log.LastStableOffset(highWatermark: 6), Is.EqualTo(2));
        Assert.That(log.LastStableOffset(highWatermark: 1), Is.EqualTo(1), "never above the high watermark");

        LogAppendResult marker = log.AppendMarker(Pid, 0, coordinatorEpoch: 3, commit: true, leaderEpoch: 0);

        Assert.That(marker.IsSuccess, Is.True);
        Assert.That((marker.BaseOffset, marker.LastOffset, log.LogEndOffset), Is.EqualTo((6L, 6L, 7L)));
        Assert.That(log.Producers.FirstUnstableOffset, Is.Null);
        Assert.That(log.LastStableOffset(highWatermark: 7), Is.EqualTo(7));
        Assert.That(log.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.CoordinatorEpoch == 3 && entry.CurrentTxnFirstOffset == -1, Is.True);
    }

    [Test]
    public void AppendMarker_WritesKafkasControlBatch()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 2, 0, 1));

        log.AppendMarker(Pid, 2, coordinatorEpoch: 5, commit: false, leaderEpoch: 4);

        byte[] stored = log.Read(1, 1000).Records.ToArray();
        RecordBatchHeader header = RecordBatchHeader.Read(stored);
        Assert.That((header.BaseOffset, header.Attributes, header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.RecordsCount, header.PartitionLeaderEpoch),
            Is.EqualTo((1L, (short)0x30, Pid, (short)2, -1, 1, 4)));
        Assert.That(RecordBatch.ComputeCrc(stored), Is.EqualTo(header.Crc));
        var reader = new RecordReader(stored);
        Assert.That(reader.TryReadNext(out RecordView record), Is.True);
        Assert.That(record.Key.ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, 0 }), "version 0, type 0 (abort)");
        Assert.That(record.Value.Length, Is.EqualTo(6));
        Assert.That((BinaryPrimitives.ReadInt16BigEndian(record.Value), BinaryPrimitives.ReadInt32BigEndian(record.Value[2..])), Is.EqualTo(((short)0, 5)));
    }

    [Test]
    public void AppendMarker_OlderProducerEpoch_IsInvalidProducerEpochAndWritesNothing()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 3, 0, 1));

        LogAppendResult result = log.AppendMarker(Pid, 2, coordinatorEpoch: 0, commit: true, leaderEpoch: 0);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.InvalidProducerEpoch));
        Assert.That(log.LogEndOffset, Is.EqualTo(1));
        Assert.That(log.Producers.FirstUnstableOffset, Is.EqualTo(0));
    }

    [Test]
    public void AppendMarker_OlderCoordinatorEpoch_IsFencedAndWritesNothing()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 1));
        Assert.That(log.AppendMarker(Pid, 0, coordinatorEpoch: 7, commit: true, leaderEpoch: 0).IsSuccess, Is.True);
        log.Append(Batches.Transactional(Pid, 0, 1, 1));

        LogAppendResult result = log.AppendMarker(Pid, 0, coordinatorEpoch: 6, commit: false, leaderEpoch: 0);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.TransactionCoordinatorFenced));
        Assert.That(log.LogEndOffset, Is.EqualTo(3));
        Assert.That(log.Producers.FirstUnstableOffset, Is.EqualTo(2));
        Assert.That(log.AppendMarker(Pid, 0, coordinatorEpoch: 7, commit: false, leaderEpoch: 0).IsSuccess, Is.True);
    }

    [Test]
    public void Reopen_AfterCleanClose_KeepsOpenTransaction()
    {
        PartitionLog log = Open();
        AppendRecords(log, 1);
        log.Append(Batches.Transactional(Pid, 0, 0, 2));
        log.Dispose();

        PartitionLog reopened = Open();

        Assert.That(reopened.Producers.FirstUnstableOffset, Is.EqualTo(1));
        Assert.That(reopened.AppendMarker(Pid, 0, 0, commit: true, leaderEpoch: 0).IsSuccess, Is.True);
        Assert.That(reopened.Producers.FirstUnstableOffset, Is.Null);
    }

    [Test]
    public void Reopen_WithoutSnapshots_RebuildsTransactionsFromMarkers()
    {
        var config = new LogConfig { SegmentBytes = 300 };
        PartitionLog log = Open(config);
        log.Append(Batches.Transactional(Pid, 0, 0, 2));
        log.AppendMarker(Pid, 0, coordinatorEpoch: 4, commit: false, leaderEpoch: 0);
        log.Append(Batches.Transactional(Pid + 1, 0, 0, 2));
        log.Append(Batches.Transactional(Pid, 0, 2, 2));
        Assert.That(log.Segments, Has.Count.GreaterThan(1));
        log.Dispose();
        foreach (string file in Directory.GetFiles(PartitionDir, "*.snapshot"))
        {
            File.Delete(file);
        }

        PartitionLog reopened = Open(config);

        Assert.That(reopened.Producers.OngoingTransactions(), Is.EqualTo(new[] { (3L, Pid + 1), (5L, Pid) }));
        Assert.That(reopened.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.CoordinatorEpoch == 4, Is.True);
        Assert.That(reopened.AppendMarker(Pid, 0, coordinatorEpoch: 3, commit: true, leaderEpoch: 0).Error, Is.EqualTo(RecordBatchError.TransactionCoordinatorFenced));
    }

    [Test]
    public void Follower_RebuildsTheLeadersTransactionState()
    {
        PartitionLog leader = Open();
        leader.Append(Batches.Transactional(Pid, 0, 0, 2));
        leader.Append(Batches.Transactional(Pid + 1, 0, 0, 1));
        leader.AppendMarker(Pid, 0, coordinatorEpoch: 1, commit: true, leaderEpoch: 0);
        byte[] copied = leader.Read(0, 1 << 20).Records.ToArray();
        using var followerDir = new TempDirectory();
        using PartitionLog follower = PartitionLog.Open(Path.Combine(followerDir.Path, "my-topic-0"), new LogConfig(), Time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, 0);

        Assert.That(follower.AppendAsFollower(copied).IsSuccess, Is.True);

        Assert.That(follower.Producers.OngoingTransactions(), Is.EqualTo(leader.Producers.OngoingTransactions()));
        Assert.That(follower.Producers.OngoingTransactions(), Is.EqualTo(new[] { (2L, Pid + 1) }));
        Assert.That(follower.Producers.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.CoordinatorEpoch == 1, Is.True);
    }
}
