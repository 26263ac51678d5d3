using Broker.ZooKeeper.Watches;

namespace Broker.ZooKeeper.Tests.Watches;

public sealed class WatchRegistryTests
{
    private static readonly Func<WatchedEvent, Task> s_a = _ => Task.CompletedTask;
    private static readonly Func<WatchedEvent, Task> s_b = _ => Task.CompletedTask;

    [Test]
    public void Take_NodeDeleted_FiresDataExistAndChildWatchesOnce()
    {
        var registry = new WatchRegistry();
        registry.Add(WatchKind.Data, "/n", s_a);
        registry.Add(WatchKind.Child, "/n", s_a);
        registry.Add(WatchKind.Exist, "/n", s_b);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Take(WatchedEventType.NodeDeleted, "/n"), Is.EquivalentTo(new[] { s_a, s_b }));
            Assert.That(registry.Take(WatchedEventType.NodeDeleted, "/n"), Is.Empty, "one-shot");
        });
    }

    [Test]
    public void Take_ChildrenChanged_LeavesDataWatches()
    {
        var registry = new WatchRegistry();
        registry.Add(WatchKind.Data, "/n", s_a);
        registry.Add(WatchKind.Child, "/n", s_b);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Take(WatchedEventType.NodeChildrenChanged, "/n"), Is.EqualTo(new[] { s_b }));
            Assert.That(registry.Snapshot().Data, Is.EqualTo(new[] { "/n" }));
            Assert.That(registry.Snapshot().Child, Is.Empty);
        });
    }

    [Test]
    public void TakeAll_ReturnsDistinctCallbacksAndClears()
    {
        var registry = new WatchRegistry();
        registry.Add(WatchKind.Data, "/x", s_a);
        registry.Add(WatchKind.Exist, "/y", s_a);
        registry.Add(WatchKind.Child, "/z", s_b);

        var taken = registry.TakeAll();
        var (data, exist, child) = registry.Snapshot();

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EquivalentTo(new[] { s_a, s_b }));
            Assert.That(data.Count + exist.Count + child.Count, Is.Zero);
        });
    }
}
