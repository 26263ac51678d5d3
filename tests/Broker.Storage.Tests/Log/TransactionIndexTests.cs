using System.Buffers.Binary;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

/// <summary>The aborted-transaction index (<c>.txnindex</c>): Kafka's 34-byte entries, truncation, deletion, rebuild.</summary>
public class TransactionIndexTests : PartitionLogTestBase
{
    private const long Pid = 21;

    private string TxnIndexPath(long baseOffset) => Path.Combine(PartitionDir, baseOffset.ToString("D20") + ".txnindex");

    [Test]
    public void AbortMarker_WritesKafkasEntryLayout_CommitWritesNothing()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 3));
        log.Append(Batches.Transactional(Pid + 1, 0, 0, 1));
        log.AppendMarker(Pid + 1, 0, 0, commit: true, leaderEpoch: 0);
        Assert.That(File.Exists(TxnIndexPath(0)), Is.False, "a commit is not indexed");

        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);

        byte[] bytes = File.ReadAllBytes(TxnIndexPath(0));
        Assert.That(bytes, Has.Length.EqualTo(34));
        Assert.That(BinaryPrimitives.ReadInt16BigEndian(bytes), Is.EqualTo(0), "version");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(2)), Is.EqualTo(Pid), "producer id");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(10)), Is.EqualTo(0), "first offset");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(18)), Is.EqualTo(5), "last offset (the marker)");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(26)), Is.EqualTo(6), "last stable offset: nothing open after the marker");
        Assert.That(log.CollectAbortedTransactions(0, 6), Is.EqualTo(new[] { new AbortedTransaction(Pid, 0, 5, 6) }));
    }

    [Test]
    public void AbortedLastStableOffset_IsTheOldestOtherOpenTransaction()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 1));
        log.Append(Batches.Transactional(Pid + 1, 0, 0, 1));

        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);

        Assert.That(log.CollectAbortedTransactions(0, 3), Is.EqualTo(new[] { new AbortedTransaction(Pid, 0, 2, 1) }));
    }

    [Test]
    public void Collect_ReturnsOnlyTransactionsOverlappingTheRange()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 2));           // 0-1
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0); // 2
        log.Append(Batches.Transactional(Pid, 0, 2, 2));           // 3-4
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0); // 5

        Assert.That(log.CollectAbortedTransactions(3, 6).Select(a => a.FirstOffset), Is.EqualTo(new[] { 3L }));
        Assert.That(log.CollectAbortedTransactions(0, 2).Select(a => a.FirstOffset), Is.EqualTo(new[] { 0L }));
        Assert.That(log.CollectAbortedTransactions(0, 6).Select(a => a.FirstOffset), Is.EqualTo(new[] { 0L, 3L }));
        Assert.That(log.CollectAbortedTransactions(6, 7), Is.Empty);
    }

    [Test]
    public void Truncate_DropsEntriesOfRemovedMarkers()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 2));
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);  // 2
        log.Append(Batches.Transactional(Pid, 0, 2, 1));
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);  // 4
        Assert.That(new FileInfo(TxnIndexPath(0)).Length, Is.EqualTo(68));

        log.Truncate(4);

        Assert.That(new FileInfo(TxnIndexPath(0)).Length, Is.EqualTo(34));
        Assert.That(log.CollectAbortedTransactions(0, 10).Select(a => a.LastOffset), Is.EqualTo(new[] { 2L }));
        Assert.That(log.Producers.FirstUnstableOffset, Is.EqualTo(3), "the transaction whose abort was truncated is open again");
    }

    [Test]
    public void Reopen_WithoutIndexOrSnapshots_RebuildsTheIndex()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 2));
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);
        log.Dispose();
        byte[] written = File.ReadAllBytes(TxnIndexPath(0));
        File.Delete(TxnIndexPath(0));
        foreach (string file in Directory.GetFiles(PartitionDir, "*.snapshot"))
        {
            File.Delete(file);
        }

        PartitionLog reopened = Open();

        Assert.That(File.ReadAllBytes(TxnIndexPath(0)), Is.EqualTo(written));
        Assert.That(reopened.CollectAbortedTransactions(0, 3), Has.Count.EqualTo(1));
    }

    [Test]
    public void Reopen_WithIndex_DoesNotDuplicateEntries()
    {
        PartitionLog log = Open();
        log.Append(Batches.Transactional(Pid, 0, 0, 2));
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);
        log.Dispose();
        foreach (string file in Directory.GetFiles(PartitionDir, "*.snapshot"))
        {
            File.Delete(file);
        }

        PartitionLog reopened = Open();

        Assert.That(new FileInfo(TxnIndexPath(0)).Length, Is.EqualTo(34));
        Assert.That(reopened.CollectAbortedTransactions(0, 3), Has.Count.EqualTo(1));
    }

    [Test]
    public void Retention_DeletesTheIndexWithItsSegment()
    {
        var config = new LogConfig { SegmentBytes = 200 };
        PartitionLog log = Open(config);
        log.Append(Batches.Transactional(Pid, 0, 0, 1));
        log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0);
        for (int i = 0; i < 6; i++)
        {
            AppendRecords(log, 1);
        }

        Assert.That(File.Exists(TxnIndexPath(0)), Is.True);
        Assert.That(log.Segments, Has.Count.GreaterThan(1));
        log.HighWatermark = log.LogEndOffset;

        Assert.That(log.MaybeIncrementLogStartOffset(log.Segments[^1].BaseOffset), Is.True);
        log.DeleteOldSegments();

        // Renamed with the log for the delayed delete (file.delete.delay.ms), then deleted with it.
        Assert.That(File.Exists(TxnIndexPath(0)), Is.False);
        Assert.That(File.Exists(TxnIndexPath(0) + ".deleted"), Is.EqualTo(File.Exists(Path.Combine(PartitionDir, "00000000000000000000.log.deleted"))));
        Assert.That(log.LastStableOffset(log.LogEndOffset), Is.EqualTo(log.LogEndOffset));
    }
}
