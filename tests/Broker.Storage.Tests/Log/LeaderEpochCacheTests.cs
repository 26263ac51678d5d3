using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

public class LeaderEpochCacheTests
{
    private TempDirectory _dir = null!;

    private string CheckpointPath => Path.Combine(_dir.Path, LeaderEpochCache.FileName);

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void Empty_HasNoEpochAndAnswersUndefined()
    {
        var cache = new LeaderEpochCache(_dir.Path);

        Assert.That(cache.LatestEpoch, Is.EqualTo(-1));
        Assert.That(cache.Entries, Is.Empty);
        Assert.That(cache.LoadedFromFile, Is.False);
        Assert.That(cache.EndOffsetFor(0, 100), Is.EqualTo((-1, -1L)));
    }

    [Test]
    public void Assign_NewerEpoch_AddsAndPersistsInKafkaFormat()
    {
        var cache = new LeaderEpochCache(_dir.Path);

        cache.Assign(0, 0);
        cache.Assign(2, 10);

        Assert.That(cache.LatestEpoch, Is.EqualTo(2));
        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(0, 0), new EpochEntry(2, 10) }));
        Assert.That(File.ReadAllText(CheckpointPath), Is.EqualTo("0\n2\n0 0\n2 10\n"));
        Assert.That(File.Exists(CheckpointPath + ".tmp"), Is.False);
    }

    [Test]
    public void Assign_OlderOrSameEpoch_IsIgnored()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(3, 5);

        cache.Assign(3, 2);
        cache.Assign(3, 9);
        cache.Assign(1, 20);

        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(3, 5) }));
    }

    [Test]
    public void Assign_NewerEpochAtOrBelowExistingStart_DropsConflictingEntries()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(1, 0);
        cache.Assign(2, 10);
        cache.Assign(3, 20);

        cache.Assign(4, 10);

        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0), new EpochEntry(4, 10) }));
    }

    [Test]
    public void Assign_NegativeArguments_Throw()
    {
        var cache = new LeaderEpochCache(_dir.Path);

        Assert.That(() => cache.Assign(-1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => cache.Assign(0, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void EndOffsetFor_FollowsOffsetForLeaderEpochSemantics()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(2, 5);
        cache.Assign(4, 12);
        cache.Assign(7, 30);

        Assert.Multiple(() =>
        {
            Assert.That(cache.EndOffsetFor(7, 42), Is.EqualTo((7, 42L)), "latest epoch ends at the log end");
            Assert.That(cache.EndOffsetFor(4, 42), Is.EqualTo((4, 30L)));
            Assert.That(cache.EndOffsetFor(2, 42), Is.EqualTo((2, 12L)));
            Assert.That(cache.EndOffsetFor(5, 42), Is.EqualTo((4, 30L)), "unknown epoch: the largest below it");
            Assert.That(cache.EndOffsetFor(3, 42), Is.EqualTo((2, 12L)));
            Assert.That(cache.EndOffsetFor(1, 42), Is.EqualTo((-1, -1L)), "below the first entry");
            Assert.That(cache.EndOffsetFor(-1, 42), Is.EqualTo((-1, -1L)));
            Assert.That(cache.EndOffsetFor(9, 42), Is.EqualTo((7, 42L)), "above the latest");
        });
    }

    [Test]
    public void TruncateFromEnd_RemovesEntriesStartingAtOrAfterOffset()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(1, 0);
        cache.Assign(2, 10);
        cache.Assign(3, 20);

        cache.TruncateFromEnd(10);

        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0) }));
        Assert.That(cache.LatestEpoch, Is.EqualTo(1));
        Assert.That(File.ReadAllText(CheckpointPath), Is.EqualTo("0\n1\n1 0\n"));
    }

    [Test]
    public void TruncateFromStart_MovesNewestCoveredEntryUpToStart()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(1, 0);
        cache.Assign(2, 10);
        cache.Assign(3, 20);

        cache.TruncateFromStart(15);

        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(2, 15), new EpochEntry(3, 20) }));
        Assert.That(File.ReadAllText(CheckpointPath), Is.EqualTo("0\n2\n2 15\n3 20\n"));
    }

    [Test]
    public void TruncateFromStart_BelowFirstEntry_ChangesNothing()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(1, 10);
        cache.Assign(2, 20);

        cache.TruncateFromStart(5);
        cache.TruncateFromStart(10);

        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(1, 10), new EpochEntry(2, 20) }));
    }

    [Test]
    public void TruncateFromStart_AtLaterEntry_KeepsThatEntry()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(1, 0);
        cache.Assign(2, 10);

        cache.TruncateFromStart(10);

        Assert.That(cache.Entries, Is.EqualTo(new[] { new EpochEntry(2, 10) }));
    }

    [Test]
    public void Clear_RemovesAllAndPersistsEmptyFile()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(1, 0);

        cache.Clear();

        Assert.That(cache.LatestEpoch, Is.EqualTo(-1));
        Assert.That(File.ReadAllText(CheckpointPath), Is.EqualTo("0\n0\n"));
        Assert.That(new LeaderEpochCache(_dir.Path).LoadedFromFile, Is.True);
    }

    [Test]
    public void Reload_ReadsPersistedEntries()
    {
        var cache = new LeaderEpochCache(_dir.Path);
        cache.Assign(0, 0);
        cache.Assign(5, 100);

        var reloaded = new LeaderEpochCache(_dir.Path);

        Assert.That(reloaded.LoadedFromFile, Is.True);
        Assert.That(reloaded.Entries, Is.EqualTo(cache.Entries));
        Assert.That(reloaded.LatestEpoch, Is.EqualTo(5));
    }

    [TestCase("")]
    [TestCase("1\n1\n0 0\n")]
    [TestCase("0\n2\n0 0\n")]
    [TestCase("0\n1\n0 x\n")]
    [TestCase("0\n2\n3 10\n2 20\n")]
    public void Load_MalformedCheckpoint_StartsEmptyAndNotLoaded(string content)
    {
        File.WriteAllText(CheckpointPath, content);

        var cache = new LeaderEpochCache(_dir.Path);

        Assert.That(cache.LoadedFromFile, Is.False);
        Assert.That(cache.Entries, Is.Empty);
    }
}
