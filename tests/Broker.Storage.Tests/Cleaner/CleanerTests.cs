using Broker.Protocol.Records;
using Broker.Storage.Cleaner;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Cleaner;

public sealed class CleanerTests : CleanerTestBase
{
    [Test]
    public void Clean_KeepsLatestValuePerKeyAtOriginalOffsets_AndGroupsSegments()
    {
        PartitionLog log = Open(Compacted());
        for (int round = 0; round < 6; round++)
        {
            for (int k = 0; k < 5; k++)
            {
                Put(log, NowMs, ($"k{k}", $"v{round}"));
            }
        }

        log.HighWatermark = log.LogEndOffset;
        List<Rec> before = ReadAll(log);
        LogSegment active = log.Segments[^1];
        int activeSize = active.Size;
        int segmentsBefore = log.Segments.Count;
        Assert.That(segmentsBefore, Is.GreaterThan(4), "the test needs several inactive segments");

        Broker.Storage.Cleaner.Cleaner cleaner = NewCleaner();
        CleanResult result = cleaner.Clean(log, 0, long.MaxValue);
        int segmentsAfterFirst = log.Segments.Count;

        // Groups are formed from current sizes (Kafka's groupSegmentsBySize): the now small segments merge next time.
        cleaner.Clean(log, 0, long.MaxValue);

        List<Rec> after = ReadAll(log);
        Assert.That(after, Is.EqualTo(ExpectedAfterCleaning(before, active.BaseOffset)));
        Assert.That(after.Where(r => r.Offset < active.BaseOffset).Select(r => r.Key), Is.Unique);
        Assert.That(result.EndOffset, Is.EqualTo(active.BaseOffset));
        Assert.That(log.Segments[^1], Is.SameAs(active), "the active segment is never cleaned");
        Assert.That(active.Size, Is.EqualTo(activeSize));
        Assert.That(log.Segments.Count, Is.LessThan(segmentsAfterFirst), "small cleaned segments are grouped into one");
        Assert.That(log.Segments.Take(log.Segments.Count - 1).Sum(s => s.Size), Is.LessThanOrEqualTo(Compacted().SegmentBytes));
        Assert.That(log.LogEndOffset, Is.EqualTo(30));
    }

    [Test]
    public void CleanedLog_Reopens_WithGapsAndSameRecords()
    {
        PartitionLog log = Open(Compacted());
        for (int i = 0; i < 40; i++)
        {
            // Two records per batch, one of them superseded later: cleaned batches hold fewer records than offsets.
            Put(log, NowMs, ($"k{i % 3}", $"v{i}"), ($"u{i}", "unique"));
        }

        log.HighWatermark = log.LogEndOffset;
        NewCleaner().Clean(log, 0, long.MaxValue);
        List<Rec> cleaned = ReadAll(log);
        Assert.That(Batches.Headers(log.Read(0, 1 << 20).Records.Span).Any(h => h.RecordsCount < h.LastOffsetDelta + 1), Is.True);
        log.Dispose();

        // Recovery from 0 rescans every segment: compacted batches (gaps) must pass the stored-batch check.
        PartitionLog reopened = Open(Compacted(), recoveryPoint: 0);

        Assert.That(ReadAll(reopened), Is.EqualTo(cleaned));
        Assert.That(reopened.LogEndOffset, Is.EqualTo(80));
        Assert.That(Directory.GetFiles(PartitionDir).Where(f => f.EndsWith(".cleaned") || f.EndsWith(".swap") || f.EndsWith(".swap-end")), Is.Empty);
    }

    [Test]
    public void Clean_ActiveSegmentOnly_DoesNothing()
    {
        PartitionLog log = Open(Compacted(segmentBytes: 1024 * 1024));
        for (int i = 0; i < 10; i++)
        {
            Put(log, NowMs, ("k", $"v{i}"));
        }

        log.HighWatermark = log.LogEndOffset;
        CleanResult result = NewCleaner().Clean(log, 0, long.MaxValue);

        Assert.That(result.SegmentsCleaned, Is.Zero);
        Assert.That(ReadAll(log), Has.Count.EqualTo(10));
    }

    [Test]
    public void Clean_NeverLooksAtOrPastTheHighWatermark()
    {
        PartitionLog log = Open(Compacted());
        for (int i = 0; i < 30; i++)
        {
            Put(log, NowMs, ($"k{i % 2}", $"v{i}"));
        }

        log.Roll();
        log.HighWatermark = 10;
        List<Rec> before = ReadAll(log);

        CleanResult result = NewCleaner().Clean(log, 0, long.MaxValue);

        Assert.That(result.EndOffset, Is.LessThanOrEqualTo(10));
        List<Rec> after = ReadAll(log);
        Assert.That(after, Is.EqualTo(ExpectedAfterCleaning(before, result.EndOffset)));
        Assert.That(after.Where(r => r.Offset >= 10), Is.EqualTo(before.Where(r => r.Offset >= 10)), "records at or above the HW are untouched");
    }

    [Test]
    public void Tombstone_KeptUntilDeleteRetentionAfterFirstCleaning_ThenRemoved()
    {
        LogConfig config = Compacted() with { DeleteRetentionMs = 1000 };
        PartitionLog log = Open(config);
        long written = NowMs;
        Put(log, written, ("a", "1"), ("b", "1"));
        Put(log, written, ("a", null));
        for (int i = 0; i < 6; i++)
        {
            Put(log, written, ("c", $"{i}"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        Broker.Storage.Cleaner.Cleaner cleaner = NewCleaner();

        Time.Advance(TimeSpan.FromMilliseconds(5000)); // The age of the record does not count, only time since cleaning.
        CleanResult first = cleaner.Clean(log, 0, long.MaxValue);
        List<Rec> afterFirst = ReadAll(log);
        Assert.That(afterFirst.Where(r => r.Key == "a"), Is.EqualTo(new[] { new Rec(2, "a", null, written) }), "tombstone kept, older value gone, timestamp unchanged");
        Assert.That(first.EarliestDeleteHorizonMs, Is.EqualTo(NowMs + 1000));

        Time.Advance(TimeSpan.FromMilliseconds(999));
        cleaner.Clean(log, first.EndOffset, long.MaxValue);
        Assert.That(ReadAll(log).Any(r => r.Key == "a"), Is.True, "still within delete.retention.ms");

        Time.Advance(TimeSpan.FromMilliseconds(1));
        cleaner.Clean(log, first.EndOffset, long.MaxValue);
        List<Rec> afterHorizon = ReadAll(log);
        Assert.That(afterHorizon.Any(r => r.Key == "a"), Is.False, "tombstone removed once delete.retention.ms passed");
        Assert.That(afterHorizon.Where(r => r.Key == "b").Select(r => r.Value), Is.EqualTo(new[] { "1" }));
        Assert.That(afterHorizon.Where(r => r.Key == "c").Select(r => r.Value), Is.EqualTo(new[] { "5" }));
    }

    [Test]
    public void SmallDedupeMap_CleansInSeveralPasses_EndsWithOneRecordPerKey()
    {
        PartitionLog log = Open(Compacted(segmentBytes: 2000));
        const int keys = 60;
        for (int round = 0; round < 3; round++)
        {
            for (int k = 0; k < keys; k++)
            {
                Put(log, NowMs, ($"key-{k}", $"r{round}"));
            }
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        // 24 bytes per entry, load factor 0.9: 40 slots -> 36 keys per pass, fewer than the 60 keys.
        Broker.Storage.Cleaner.Cleaner cleaner = NewCleaner(dedupeBytes: 40 * 24);
        Assert.That(cleaner.MapCapacity, Is.LessThan(keys));

        int passes = 0;
        long checkpoint = 0;
        while (checkpoint < log.Segments[^1].BaseOffset)
        {
            CleanResult result = cleaner.Clean(log, checkpoint, long.MaxValue);
            Assert.That(result.EndOffset, Is.GreaterThan(checkpoint), "every pass makes progress");
            checkpoint = result.EndOffset;
            passes++;
        }

        Assert.That(passes, Is.GreaterThan(1));
        List<Rec> after = ReadAll(log);
        Assert.That(after.Select(r => r.Key), Is.Unique);
        Assert.That(after, Has.Count.EqualTo(keys));
        Assert.That(after.Select(r => r.Value), Is.All.EqualTo("r2"));
    }

    [Test]
    public void IdempotentProducer_LastBatchSurvivesAsProducerState()
    {
        PartitionLog log = Open(Compacted());
        log.Append(Batches.Idempotent(producerId: 7, epoch: 0, baseSequence: 0, count: 2, timestamp: NowMs));
        log.Append(Batches.Idempotent(producerId: 7, epoch: 0, baseSequence: 2, count: 2, timestamp: NowMs));
        for (int i = 0; i < 10; i++)
        {
            Put(log, NowMs, ("k0", $"x{i}"), ("k1", $"x{i}"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;

        NewCleaner().Clean(log, 0, long.MaxValue);

        List<RecordBatchHeader> headers = [];
        ReadOnlySpan<byte> data = log.Read(0, 1 << 20).Records.Span;
        headers.AddRange(Batches.Headers(data));
        Assert.That(headers.Count(h => h.ProducerId == 7), Is.EqualTo(1),
            "only the producer's last batch is kept: " + string.Join(", ", headers.Select(h => $"{h.ProducerId}@{h.BaseOffset}-{h.LastOffset}#{h.RecordsCount}")));
        RecordBatchHeader last = headers.Single(h => h.ProducerId == 7);
        Assert.That((last.BaseOffset, last.LastOffset, last.BaseSequence, last.RecordsCount), Is.EqualTo((2L, 3L, 2, 0)),
            "empty, but with its offsets and sequence, as Kafka keeps it");
        log.Dispose();

        // The producer state rebuilt from the compacted log still knows sequence 3 (the next one is 4).
        foreach (string snapshot in Directory.GetFiles(PartitionDir, "*.snapshot"))
        {
            File.Delete(snapshot);
        }
        PartitionLog reopened = Open(Compacted());
        Assert.That(reopened.Producers.TryGetEntry(7, out var entry), Is.True);
        Assert.That(entry.LastSeq, Is.EqualTo(3));
        Assert.That(reopened.Append(Batches.Idempotent(7, 0, 4, timestamp: NowMs)).IsSuccess, Is.True);
    }
}
