using Broker.Coordination;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Storage.Log;
using Broker.TestKit;
using Broker.TestKit.ZooKeeper;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Cluster;

/// <summary>
/// The order in which <see cref="ZkClusterMetadata"/> applies a new layout and publishes it to clients, against a real
/// ZooKeeper. Kafka's brokers process LeaderAndIsr (become leader) before the UpdateMetadata that tells clients, so a
/// client that reads "leader = this broker" in Metadata and produces at once is accepted. Publishing first let
/// librdkafka's 0005_order (first Produce to a just auto-created topic answered NOT_LEADER_OR_FOLLOWER, the retried
/// batch then delivered after the next one) and 0014 (OffsetFetch answered NOT_COORDINATOR by the broker that
/// FindCoordinator had just named, before it owned the offsets partition) fail.
/// </summary>
[TestFixture]
public sealed class ZkClusterMetadataPublishOrderTests
{
    private ZooKeeperServer _zk = null!;

    [OneTimeSetUp]
    public async Task StartZooKeeper() => _zk = await ZooKeeperServer.LaunchAsync();

    [OneTimeTearDown]
    public async Task StopZooKeeper() => await _zk.DisposeAsync();

    [Test]
    public async Task NewLeadership_IsAppliedLocally_BeforeThePublishedViewNamesThisBrokerLeader()
    {
        string chroot = "/p-" + Guid.NewGuid().ToString("N")[..10];
        await using (var root = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = _zk.ConnectString }))
        {
            await root.ConnectAsync();
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty);
        }

        await using var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = _zk.ConnectString + chroot, SessionTimeout = TimeSpan.FromSeconds(6) });
        await client.ConnectAsync();
        var store = new KafkaZkStore(client);
        await store.EnsurePersistentPathsAsync();
        var config = BrokerConfig.FromEntries(
            [PropertiesFile.ParseOverride("broker.id=1"), PropertiesFile.ParseOverride($"zookeeper.connect={_zk.ConnectString}"),
             PropertiesFile.ParseOverride("broker.metadata.reconcile.interval.ms=200")], out _);
        using var dir = new TempDirectory();
        using var logs = new LogManager(new LogManagerOptions { LogDirs = [dir.Path], BrokerId = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        var replicas = new ReplicaManager(logs, config);
        await using var metadata = new ZkClusterMetadata(store, config, replicas, TimeProvider.System, NullLoggerFactory.Instance);
        await metadata.StartAsync(CancellationToken.None);

        // No controller here: the layout written below reaches the broker through a reconcile read (every 200 ms), the
        // read path whose order this test checks. (The push path's order is the controller's: LeaderAndIsr is sent
        // before UpdateMetadata, BrokerRequestSender.)
        // Raised on the refresh loop the moment the local replica becomes leader: what do clients see at that moment?
        int? publishedLeaderWhenLocalBecameLeader = null;
        replicas.LeadershipChanged += p =>
        {
            if (p.Id.Topic != "t" || !p.IsLeader) return;
            publishedLeaderWhenLocalBecameLeader = metadata.TryGetTopic("t", out var topic) ? topic.Partitions[0].Leader : -2;
        };

        await store.CreateTopicAsync(new TopicZNode("t", KafkaUuid.NewRandom().ToString(), new Dictionary<int, int[]> { [0] = [1] }), new Dictionary<string, string>());
        await client.CreateRecursiveAsync(PartitionStateZNode.PathOf("t", 0), new PartitionStateZNode(1, 0, [1], 1).Encode());
        await Poll.UntilAsync(() => metadata.TryGetTopic("t", out var t) && t.Partitions[0].Leader == 1, TimeSpan.FromSeconds(10), "the view to name broker 1 leader of t-0");

        Assert.That(replicas.TryGet("t", 0, out var hosted) && hosted.IsLeader, "the published view names broker 1 leader, so it must lead t-0 locally");
        Assert.That(publishedLeaderWhenLocalBecameLeader, Is.Not.Null, "the local replica became leader");
        Assert.That(publishedLeaderWhenLocalBecameLeader, Is.Not.EqualTo(1),
            "clients were told broker 1 leads t-0 before it did (a produce would be answered NOT_LEADER_OR_FOLLOWER)");
    }
}
