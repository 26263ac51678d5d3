namespace Broker.ZooKeeper.Tests.Watches;

/// <summary>How re-armed watches are cut into SetWatches packets after a reconnect (ZOOKEEPER-706).</summary>
[TestFixture]
public sealed class SetWatchesSplitTests
{
    [Test]
    public void ManyLongPaths_SplitIntoBatchesUnderTheBound_EachPathOnceUnderItsKind()
    {
        var data = Enumerable.Range(0, 1000).Select(i => $"/d/{i}/" + new string('x', 300)).ToList();
        var exist = Enumerable.Range(0, 1000).Select(i => $"/e/{i}/" + new string('y', 300)).ToList();
        var child = Enumerable.Range(0, 10).Select(i => $"/c/{i}").ToList();

        var batches = ZooKeeperClient.SplitSetWatches(data, exist, child, 128 * 1024);

        Assert.Multiple(() =>
        {
            Assert.That(batches, Has.Count.GreaterThan(4));
            Assert.That(batches.Select(b => b.Data.Concat(b.Exist).Concat(b.Child).Sum(p => p.Length)), Is.All.LessThanOrEqualTo(128 * 1024));
            Assert.That(batches.SelectMany(b => b.Data), Is.EqualTo(data));
            Assert.That(batches.SelectMany(b => b.Exist), Is.EqualTo(exist));
            Assert.That(batches.SelectMany(b => b.Child), Is.EqualTo(child));
        });
    }

    [Test]
    public void FewPaths_OnePacket_NoPaths_None()
    {
        Assert.That(ZooKeeperClient.SplitSetWatches(["/a"], ["/b"], ["/c"], 128 * 1024), Has.Count.EqualTo(1));
        Assert.That(ZooKeeperClient.SplitSetWatches([], [], [], 128 * 1024), Is.Empty);
    }

    [Test]
    public void PathLongerThanTheBound_GetsABatchOfItsOwn()
    {
        var batches = ZooKeeperClient.SplitSetWatches(["/a", "/" + new string('z', 50), "/b"], [], [], 10);
        Assert.That(batches.Select(b => b.Data.Count), Is.EqualTo(new[] { 1, 1, 1 }));
    }
}
