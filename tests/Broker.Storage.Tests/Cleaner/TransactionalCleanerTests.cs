using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Cleaner;

/// <summary>
/// Compaction of a log with transactions: markers and transactional batches are kept whole, so a marker never goes
/// while its transaction has data, and the aborted-transaction index moves into the cleaned segment (read_committed
/// fetches still learn the abort, also after a restart).
/// </summary>
public sealed class TransactionalCleanerTests : CleanerTestBase
{
    private const long Pid = 31;

    [Test]
    public void Clean_KeepsMarkersAndCarriesTheAbortedIndex()
    {
        PartitionLog log = Open(Compacted());
        Assert.That(log.Append(Batches.Transactional(Pid, 0, 0, 2)).IsSuccess, Is.True);       // 0-1 aborted
        Assert.That(log.AppendMarker(Pid, 0, 0, commit: false, leaderEpoch: 0).IsSuccess, Is.True); // 2
        Assert.That(log.Append(Batches.Transactional(Pid, 0, 2, 1)).IsSuccess, Is.True);       // 3 committed
        Assert.That(log.AppendMarker(Pid, 0, 0, commit: true, leaderEpoch: 0).IsSuccess, Is.True);  // 4
        for (int round = 0; round < 6; round++)
        {
            for (int k = 0; k < 3; k++)
            {
                Put(log, NowMs, ($"k{k}", $"v{round}"));
            }
        }

        log.HighWatermark = log.LogEndOffset;
        Assert.That(log.Segments.Count, Is.GreaterThan(3));
        var abortedBefore = log.CollectAbortedTransactions(0, log.LogEndOffset);

        NewCleaner().Clean(log, 0, long.MaxValue);

        List<RecordBatchHeader> headers = Batches.Headers(log.Read(0, 1 << 20).Records.Span);
        Assert.That(headers.Where(h => h.IsControl).Select(h => h.BaseOffset), Is.EqualTo(new[] { 2L, 4L }), "both markers stay");
        Assert.That(headers.Where(h => h.IsTransactional && !h.IsControl).Select(h => h.BaseOffset), Is.EqualTo(new[] { 0L, 3L }));
        Assert.That(headers.Count(h => !h.IsTransactional), Is.LessThan(18), "the plain records were compacted");
        Assert.That(log.CollectAbortedTransactions(0, log.LogEndOffset), Is.EqualTo(abortedBefore));
        Assert.That(abortedBefore.Select(a => (a.FirstOffset, a.LastOffset)), Is.EqualTo(new[] { (0L, 2L) }));
        log.Dispose();

        PartitionLog reopened = Open(Compacted());

        Assert.That(reopened.CollectAbortedTransactions(0, reopened.LogEndOffset), Is.EqualTo(abortedBefore));
        Assert.That(File.Exists(Path.Combine(PartitionDir, reopened.Segments[0].BaseOffset.ToString("D20") + ".txnindex")), Is.True);
    }
}
