using Broker.Protocol.Records;
using Broker.Storage.Cleaner;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Cleaner;

public sealed class LogCleanerManagerTests : CleanerTestBase
{
    private LogCleanerManager Manager(PartitionLog log) =>
        new(() => [log], [Path.GetDirectoryName(PartitionDir)!]);

    private PartitionLog WriteOverwrites(LogConfig config, int records = 30, long? timestamp = null)
    {
        PartitionLog log = Open(config);
        for (int i = 0; i < records; i++)
        {
            Put(log, timestamp ?? NowMs, ($"k{i % 3}", $"v{i}"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        return log;
    }

    [Test]
    public void CompactOnly_TimeRetentionDeletesNothing_CompactDelete_Does()
    {
        PartitionLog log = WriteOverwrites(Compacted() with { RetentionMs = 1000 });
        Time.Advance(TimeSpan.FromHours(1));

        Assert.That(log.DeleteOldSegments(), Is.Zero, "cleanup.policy=compact: only the cleaner removes records");

        log.Config = log.Config with { Delete = true };
        Assert.That(log.DeleteOldSegments(), Is.GreaterThan(0), "compact,delete also deletes by time");
    }

    [Test]
    public void NotCompacted_IsNeverChosen()
    {
        PartitionLog log = WriteOverwrites(Compacted() with { Compact = false, Delete = true });

        Assert.That(Manager(log).GrabFilthiestLog(NowMs), Is.Null);
    }

    [Test]
    public void DirtyRatio_BelowMinCleanable_NotChosen_Above_Chosen()
    {
        PartitionLog log = WriteOverwrites(Compacted() with { MinCleanableDirtyRatio = 0.5 });
        LogCleanerManager manager = Manager(log);
        LogToClean first = manager.GrabFilthiestLog(NowMs)!;
        Assert.That(first.DirtyRatio, Is.EqualTo(1.0), "never cleaned: all dirty");
        manager.DoneCleaning(first, NewCleaner().Clean(log, first.FirstDirtyOffset, first.UpperBound));

        // One more small dirty segment is far below half of the log.
        Put(log, NowMs, ("k0", "late"));
        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        Assert.That(manager.GrabFilthiestLog(NowMs), Is.Null);

        log.Config = log.Config with { MinCleanableDirtyRatio = 0.01 };
        LogToClean? second = manager.GrabFilthiestLog(NowMs);
        Assert.That(second, Is.Not.Null);
        Assert.That(second!.FirstDirtyOffset, Is.EqualTo(first.UpperBound), "dirty section starts at the checkpoint");
    }

    [TestCase(CompressionType.None)]
    [TestCase(CompressionType.Zstd)]
    public void TombstoneHorizon_SurvivesARestart_LogIsCleanedAtTheStampedHorizon(CompressionType codec)
    {
        LogConfig config = Compacted() with { DeleteRetentionMs = 60_000, MinCleanableDirtyRatio = 0.5 };
        PartitionLog log = Open(config);
        for (int i = 0; i < 12; i++)
        {
            PutCompressedOrNot(log, codec, ($"k{i % 4}", $"v{i}"));
        }

        PutCompressedOrNot(log, codec, ("k0", null));
        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        LogCleanerManager manager = Manager(log);
        LogToClean first = manager.GrabFilthiestLog(NowMs)!;
        manager.DoneCleaning(first, NewCleaner().Clean(log, first.FirstDirtyOffset, first.UpperBound));
        Assert.That(ReadAll(log).Count(r => r.Value is null), Is.EqualTo(1), "the first cleaning keeps the tombstone, stamped");
        long cleanedAt = NowMs;
        log.Dispose();

        // Restart: a new log and a new manager (only the checkpoint file and the segments remain).
        Time.Advance(TimeSpan.FromSeconds(30));
        PartitionLog reopened = Open(config);
        reopened.HighWatermark = reopened.LogEndOffset;
        LogCleanerManager restarted = Manager(reopened);
        Assert.That(restarted.GrabFilthiestLog(NowMs), Is.Null, "nothing dirty and the horizon is 30 s away");

        Time.Advance(TimeSpan.FromSeconds(31));
        LogToClean? due = restarted.GrabFilthiestLog(NowMs);
        Assert.That(due, Is.Not.Null, "the stamped horizon (cleaning time + delete.retention.ms) is known again after the restart");
        restarted.DoneCleaning(due!, NewCleaner().Clean(reopened, due!.FirstDirtyOffset, due.UpperBound));
        Assert.That(ReadAll(reopened).Where(r => r.Value is null), Is.Empty,
            $"the tombstone is gone {NowMs - cleanedAt} ms after its first cleaning, not a new delete.retention.ms later");
        Assert.That(restarted.GrabFilthiestLog(NowMs + 3_600_000), Is.Null, "no tombstone left: no forced cleaning again");
    }

    private static void PutCompressedOrNot(PartitionLog log, CompressionType codec, params (string Key, string? Value)[] records)
    {
        if (codec == CompressionType.None)
        {
            Put(log, 1_700_000_000_000, records);
        }
        else
        {
            PutCompressed(log, codec, 1_700_000_000_000, records);
        }
    }

    [Test]
    public void Checkpoint_IsWrittenPerLogDir_AndReadBack()
    {
        PartitionLog log = WriteOverwrites(Compacted());
        LogCleanerManager manager = Manager(log);
        LogToClean chosen = manager.GrabFilthiestLog(NowMs)!;
        CleanResult result = NewCleaner().Clean(log, chosen.FirstDirtyOffset, chosen.UpperBound);
        manager.DoneCleaning(chosen, result);

        string file = Path.Combine(Path.GetDirectoryName(PartitionDir)!, LogCleanerManager.CheckpointFileName);
        Assert.That(File.ReadAllLines(file), Is.EqualTo(new[] { "0", "1", $"my-topic 0 {result.EndOffset}" }));
        Assert.That(Manager(log).CheckpointOf(log.TopicPartition), Is.EqualTo(result.EndOffset));
    }

    [Test]
    public void MinCompactionLag_YoungSegmentsAreNotCleanable_UntilOldEnough()
    {
        PartitionLog log = WriteOverwrites(Compacted() with { MinCompactionLagMs = 60_000 });
        LogCleanerManager manager = Manager(log);

        Assert.That(manager.GrabFilthiestLog(NowMs), Is.Null, "every record is younger than min.compaction.lag.ms");

        Time.Advance(TimeSpan.FromMinutes(2));
        LogToClean? chosen = manager.GrabFilthiestLog(NowMs);
        Assert.That(chosen, Is.Not.Null);
        Assert.That(chosen!.UpperBound, Is.EqualTo(log.Segments[^1].BaseOffset));
    }

    [Test]
    public void MinCompactionLag_BoundsTheCleanedRange()
    {
        PartitionLog log = Open(Compacted() with { MinCompactionLagMs = 60_000 });
        for (int i = 0; i < 20; i++)
        {
            Put(log, NowMs - 120_000, ($"k{i % 2}", $"old{i}"));
        }

        log.Roll();
        long youngFrom = log.LogEndOffset;
        for (int i = 0; i < 20; i++)
        {
            Put(log, NowMs, ($"k{i % 2}", $"young{i}"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        LogCleanerManager manager = Manager(log);
        LogToClean chosen = manager.GrabFilthiestLog(NowMs)!;
        Assert.That(chosen.UpperBound, Is.EqualTo(youngFrom));

        NewCleaner().Clean(log, chosen.FirstDirtyOffset, chosen.UpperBound);
        List<Rec> after = ReadAll(log);
        Assert.That(after.Count(r => r.Offset >= youngFrom), Is.EqualTo(20), "young records are not compacted");
        Assert.That(after.Where(r => r.Offset < youngFrom).Select(r => r.Value), Is.EquivalentTo(new[] { "old18", "old19" }));
    }

    [Test]
    public void MaxCompactionLag_ForcesCleaningBelowTheRatio_AndRollsTheActiveSegment()
    {
        LogConfig config = Compacted() with { MinCleanableDirtyRatio = 0.99, MaxCompactionLagMs = 60_000, SegmentBytes = 1024 * 1024 };
        PartitionLog log = Open(config);
        for (int i = 0; i < 10; i++)
        {
            Put(log, NowMs, ($"k{i % 2}", $"v{i}"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        LogCleanerManager manager = Manager(log);
        LogToClean first = manager.GrabFilthiestLog(NowMs)!;
        manager.DoneCleaning(first, NewCleaner().Clean(log, 0, first.UpperBound));

        Put(log, NowMs, ("k0", "x"));
        Time.Advance(TimeSpan.FromSeconds(61));
        Put(log, NowMs, ("k0", "y")); // rolls: the active segment is older than max.compaction.lag.ms
        Assert.That(log.Segments[^1].BaseOffset, Is.EqualTo(log.LogEndOffset - 1));
        log.HighWatermark = log.LogEndOffset;

        LogToClean? forced = manager.GrabFilthiestLog(NowMs);
        Assert.That(forced, Is.Not.Null);
        Assert.That(forced!.Forced, Is.True);
        Assert.That(forced.DirtyRatio, Is.LessThan(0.99));
    }

    [Test]
    public void InProgressLog_IsNotChosenTwice()
    {
        PartitionLog log = WriteOverwrites(Compacted());
        LogCleanerManager manager = Manager(log);
        LogToClean chosen = manager.GrabFilthiestLog(NowMs)!;

        Assert.That(manager.GrabFilthiestLog(NowMs), Is.Null);
        manager.AbortCleaning(chosen);
        Assert.That(manager.GrabFilthiestLog(NowMs), Is.Not.Null);
    }
}
