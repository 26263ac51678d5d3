using Broker.Coordination.Tests.Controller;
using Broker.Coordination.ZNodes;
using Broker.TestKit;
using Broker.ZooKeeper;

namespace Broker.Coordination.Tests.Store;

/// <summary>
/// Watched reads of partition states against a real ZooKeeper, with the state node created exactly between the
/// read that finds no node and the exists call that arms the creation watch (issue 11: a broker kept a partition
/// "offline" forever because that read answered "no state" while its watch sat on an existing, unchanging node).
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class PartitionStateWatchTests
{
    [Test]
    public async Task StateCreatedBetweenReadAndExistsWatch_IsReturned_AndItsWatchStaysArmed()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        var store = cluster.Admin;
        await store.Client.EnsurePathAsync(PartitionStateZNode.PartitionPath("t", 0));
        var written = new PartitionStateZNode(2, 0, [2, 3, 1], 1);
        int hookRuns = 0;
        store.BeforeExistsWatch = async path =>
        {
            if (Interlocked.Increment(ref hookRuns) == 1) await store.Client.CreateAsync(path, written.Encode());
        };
        int fired = 0;
        Func<WatchedEvent, Task> watch = _ =>
        {
            Interlocked.Increment(ref fired);
            return Task.CompletedTask;
        };

        var read = await store.GetPartitionStateAsync("t", 0, watch);

        Assert.That(hookRuns, Is.EqualTo(1), "the read found no node, so the window was hit");
        Assert.That(read?.State, Is.EqualTo(written).Using<PartitionStateZNode>((a, b) => a.Leader == b.Leader && a.LeaderEpoch == b.LeaderEpoch && a.Isr.SequenceEqual(b.Isr)),
            "a state created in the window is returned, not reported as missing");
        await store.Client.SetDataAsync(PartitionStateZNode.PathOf("t", 0), (written with { LeaderEpoch = 1 }).Encode());
        await Poll.UntilAsync(() => Volatile.Read(ref fired) == 1, ControllerHarness.Timeout, "the watch to fire on the next change");
    }

    [Test]
    public async Task StateStillMissingAfterRead_ArmsCreationWatch()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        var store = cluster.Admin;
        int fired = 0;
        var read = await store.GetPartitionStateAsync("t", 0, _ =>
        {
            Interlocked.Increment(ref fired);
            return Task.CompletedTask;
        });
        Assert.That(read, Is.Null);

        await store.Client.CreateRecursiveAsync(PartitionStateZNode.PathOf("t", 0), new PartitionStateZNode(1, 0, [1], 1).Encode());
        await Poll.UntilAsync(() => Volatile.Read(ref fired) == 1, ControllerHarness.Timeout, "the creation watch to fire");
    }
}
