using Broker.Protocol;
using Broker.Server.Cluster;

namespace Broker.Server.Tests.Cluster;

/// <summary>A ZooKeeper read merged with what controller requests published while it was under way.</summary>
public sealed class SnapshotMergeTests
{
    private static TopicInfo Topic(string name, int leaderEpoch) =>
        new(name, KafkaUuid.Zero, [new PartitionInfo(0, 1, leaderEpoch, [1, 2], [1, 2])], false);

    private static ClusterSnapshot Snapshot(IReadOnlyList<BrokerNode> brokers, int controller, params TopicInfo[] topics) =>
        ClusterSnapshot.Empty with { Brokers = brokers, ControllerId = controller, Topics = topics.ToDictionary(t => t.Name) };

    private static readonly BrokerNode[] Brokers12 = [new(1, "h", 1), new(2, "h", 2)];

    [Test]
    public void NothingPushedDuringTheRead_TheReadWins_AndRepairsDrift()
    {
        var before = Snapshot(Brokers12, 1, Topic("stale", 3), Topic("gone", 1));
        var read = Snapshot([new(1, "h", 1)], 2, Topic("stale", 5));

        var merged = SnapshotMerge.PushesWin(before, before, read);

        Assert.That(merged, Is.SameAs(read));
    }

    [Test]
    public void PushedDuringTheRead_ThePushWins_EverythingElseFromTheRead()
    {
        var untouched = Topic("untouched", 1);
        var removed = Topic("removed", 1);
        var changed = Topic("changed", 1);
        var orphan = Topic("orphan", 1);
        var before = Snapshot(Brokers12, 1, untouched, removed, changed, orphan);
        // UpdateMetadata during the read: "changed" got epoch 7, "added" appeared, "removed" was deleted, new broker list.
        BrokerNode[] pushedBrokers = [new(1, "h", 1), new(2, "h", 2), new(3, "h", 3)];
        var now = Snapshot(pushedBrokers, 3, untouched, Topic("changed", 7), Topic("added", 0), orphan);
        // The read began before those requests: older states, and "orphan" is gone from ZooKeeper (drift to repair).
        var read = Snapshot(Brokers12, 1, Topic("untouched", 2), Topic("removed", 1), Topic("changed", 6));

        var merged = SnapshotMerge.PushesWin(before, now, read);

        Assert.Multiple(() =>
        {
            Assert.That(merged.Topics.Keys.Order(), Is.EqualTo(new[] { "added", "changed", "untouched" }));
            Assert.That(merged.Topics["changed"].Partitions[0].LeaderEpoch, Is.EqualTo(7), "the push is newer than the read");
            Assert.That(merged.Topics["untouched"].Partitions[0].LeaderEpoch, Is.EqualTo(2), "no push: the read repairs it");
            Assert.That(merged.Brokers, Is.SameAs(pushedBrokers));
            Assert.That(merged.ControllerId, Is.EqualTo(3));
        });
    }
}
