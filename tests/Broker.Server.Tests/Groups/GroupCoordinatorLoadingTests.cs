using Broker.Protocol;

namespace Broker.Server.Tests.Groups;

/// <summary>
/// Ownership changes of an offsets partition while a load runs: load → unload → reload. Only the newest load may
/// publish groups or mark the partition loaded; a stale one must neither drop the groups of the current one nor answer
/// "loaded" before the current load is done.
/// </summary>
public sealed class GroupCoordinatorLoadingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private CoordinatorHarness _h = null!;
    private int _partition;

    [SetUp]
    public async Task SetUp()
    {
        _h = new CoordinatorHarness();
        await _h.LoadAsync("g");
        _partition = _h.Coordinator.PartitionFor("g");
        Assert.That(await _h.Commit("g", -1, "", ("t", 0, 42)), Has.All.EqualTo(ErrorCode.None));
        _h.Coordinator.UnloadPartition(_partition);
    }

    [TearDown]
    public void TearDown() => _h.Dispose();

    [Test]
    public async Task StaleLoad_FinishingAfterTheReload_KeepsTheReloadedGroups()
    {
        var slow = _h.Topic.NextReadIsSlow();
        var stale = _h.Coordinator.LoadPartitionAsync(_partition);
        await slow.Entered.Task.WaitAsync(Bound);
        _h.Coordinator.UnloadPartition(_partition);
        await _h.Coordinator.LoadPartitionAsync(_partition).WaitAsync(Bound);
        Assert.That(CommittedOffset(), Is.EqualTo(42), "the reload restored the group");

        slow.Release.Set();
        await stale.WaitAsync(Bound);

        Assert.That(_h.Coordinator.IsLoaded(_partition), Is.True);
        Assert.That(CommittedOffset(), Is.EqualTo(42), "the stale load dropped the reloaded group");
    }

    [Test]
    public async Task StaleLoad_FinishingBeforeTheReload_DoesNotMarkThePartitionLoaded()
    {
        var staleRead = _h.Topic.NextReadIsSlow();
        var stale = _h.Coordinator.LoadPartitionAsync(_partition);
        await staleRead.Entered.Task.WaitAsync(Bound);
        _h.Coordinator.UnloadPartition(_partition);
        var currentRead = _h.Topic.NextReadIsSlow();
        var current = _h.Coordinator.LoadPartitionAsync(_partition);
        await currentRead.Entered.Task.WaitAsync(Bound);

        staleRead.Release.Set();
        await stale.WaitAsync(Bound);
        Assert.That(_h.Coordinator.IsLoaded(_partition), Is.False, "a stale load marked the partition loaded");
        Assert.That(_h.Coordinator.FetchOffsets("g", [("t", [0])]).Error, Is.EqualTo(ErrorCode.CoordinatorLoadInProgress));

        currentRead.Release.Set();
        await current.WaitAsync(Bound);
        Assert.That(_h.Coordinator.IsLoaded(_partition), Is.True);
        Assert.That(CommittedOffset(), Is.EqualTo(42));
    }

    [Test]
    public async Task Load_UnloadedWhileRunning_PublishesNothing()
    {
        var slow = _h.Topic.NextReadIsSlow();
        var load = _h.Coordinator.LoadPartitionAsync(_partition);
        await slow.Entered.Task.WaitAsync(Bound);
        _h.Coordinator.UnloadPartition(_partition);

        slow.Release.Set();
        await load.WaitAsync(Bound);

        Assert.That(_h.Coordinator.IsLoaded(_partition), Is.False);
        Assert.That(_h.Coordinator.FetchOffsets("g", [("t", [0])]).Error, Is.EqualTo(ErrorCode.NotCoordinator));
        Assert.That(_h.Coordinator.ListGroups().Groups, Is.Empty, "no group of an unowned partition stays in memory");
    }

    private long CommittedOffset()
    {
        var (error, offsets) = _h.Coordinator.FetchOffsets("g", [("t", [0])]);
        Assert.That(error, Is.EqualTo(ErrorCode.None));
        return offsets.Single().Offset;
    }
}
