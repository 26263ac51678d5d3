using Broker.Storage.Cleaner;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Storage.Tests.Cleaner;

/// <summary>
/// A crash at any step of a cleaning (the disk as it is at that instant, copied by the step hook) must load as a log
/// where every key's latest value is present exactly once and no record is duplicated or invented.
/// </summary>
public sealed class CleanerCrashTests : CleanerTestBase
{
    [Test]
    public void CrashAtEveryStep_RecoversWithEveryLatestValueExactlyOnce()
    {
        PartitionLog log = Open(Compacted(segmentBytes: 600));
        for (int round = 0; round < 8; round++)
        {
            for (int k = 0; k < 6; k++)
            {
                Put(log, NowMs, ($"k{k}", $"r{round}"));
            }
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        List<Rec> before = ReadAll(log);
        Dictionary<string, Rec> latest = before.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last());
        string crashRoot = Path.Combine(Path.GetDirectoryName(PartitionDir)!, "crashes");
        var snapshots = new List<(string Step, string Dir)>();
        Broker.Storage.Cleaner.Cleaner cleaner = NewCleaner();
        cleaner.StepHook = step =>
        {
            string dir = Path.Combine(crashRoot, $"{snapshots.Count:D3}-{step}", "my-topic-0");
            CopyDirectory(PartitionDir, dir);
            snapshots.Add((step, dir));
        };

        // Two cleanings: the first rewrites full segments, the second merges the small results (several old
        // segments per swap, so crashes between renames of old segments are covered).
        cleaner.Clean(log, 0, long.MaxValue);
        cleaner.Clean(log, 0, long.MaxValue);

        Assert.That(snapshots.Select(s => s.Step).Distinct(), Is.SupersetOf(new[]
        {
            "map-built", "segment-cleaned", "cleaned-written", "marker-written", "swap-committed", "old-segment-renamed", "swap-renamed", "marker-deleted",
        }));
        Assert.That(snapshots.Count(s => s.Step == "old-segment-renamed"), Is.GreaterThan(snapshots.Count(s => s.Step == "swap-committed")),
            "some swap replaced several segments");
        var byOffset = before.ToDictionary(r => r.Offset);
        foreach ((string step, string dir) in snapshots)
        {
            using PartitionLog recovered = PartitionLog.Open(dir, Compacted(segmentBytes: 600), Time, NullLogger.Instance, recoveryPoint: 0);
            List<Rec> records = ReadAll(recovered);
            string where = $"crash after {Path.GetFileName(Path.GetDirectoryName(dir))}";
            Assert.That(records.Select(r => r.Offset), Is.Unique.And.Ordered, where);
            Assert.That(records.All(r => byOffset.TryGetValue(r.Offset, out Rec original) && original == r), Is.True, where + ": every record is an original one at its offset");
            foreach (Rec expected in latest.Values)
            {
                Assert.That(records.Count(r => r == expected), Is.EqualTo(1), $"{where}: latest value of {expected.Key}");
            }

            Assert.That(recovered.LogEndOffset, Is.EqualTo(log.LogEndOffset), where);
            Assert.That(Directory.GetFiles(dir).Where(f => f.EndsWith(".swap") || f.EndsWith(".cleaned") || f.EndsWith(".swap-end") || f.EndsWith(".deleted")), Is.Empty, where);
        }

        Assert.That(ReadAll(log), Is.EqualTo(ExpectedAfterCleaning(before, log.Segments[^1].BaseOffset)));
    }

    [Test]
    public void Swap_FsyncsTheDirectoryBeforeAndAfterTheCommitRename_AndAtTheEnd()
    {
        PartitionLog log = Open(Compacted(segmentBytes: 100_000));
        for (int i = 0; i < 10; i++)
        {
            Put(log, NowMs, ($"k{i % 2}", $"v{i}"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        var steps = new List<string>();
        Broker.Storage.Cleaner.Cleaner cleaner = NewCleaner();
        cleaner.StepHook = steps.Add;

        cleaner.Clean(log, 0, long.MaxValue);

        Assert.That(steps.SkipWhile(s => s != "marker-written"), Is.EqualTo(new[]
        {
            "marker-written", "dir-synced", "swap-committed", "dir-synced", "old-segment-renamed", "swap-renamed", "marker-deleted", "dir-synced",
        }));
        Assert.That(DirectorySync.TryFlush(PartitionDir), Is.True, "a real directory fsync succeeds");
        Assert.That(DirectorySync.TryFlush(Path.Combine(PartitionDir, "missing")), Is.False);
    }

    [Test]
    public void SwapWithoutMarker_FallsBackToTheSwapsNextOffset()
    {
        // A .swap left without its marker (e.g. by Kafka itself) is still completed, Kafka's way.
        PartitionLog log = Open(Compacted(segmentBytes: 600));
        for (int i = 0; i < 12; i++)
        {
            Put(log, NowMs, ($"k{i}", "v"));
        }

        log.Roll();
        log.Dispose();
        string first = Directory.GetFiles(PartitionDir, "*.log").Order().First();
        File.Copy(first, first + SwapRecovery.SwapSuffix);

        Assert.That(SwapRecovery.Complete(PartitionDir, NullLogger.Instance), Is.EqualTo(1));
        PartitionLog reopened = Open(Compacted(segmentBytes: 600));
        Assert.That(ReadAll(reopened).Select(r => r.Key), Is.EqualTo(Enumerable.Range(0, 12).Select(i => $"k{i}")));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
