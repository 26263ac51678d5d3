using System.Collections.Concurrent;
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
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Cluster;

/// <summary>
/// The periodic reconcile of <see cref="ZkClusterMetadata"/> against a real ZooKeeper: a controller's write whose
/// LeaderAndIsr never arrives (here the test writes the state and no controller runs) still reaches the broker within
/// one reconcile interval, and the drift is named in a warning (issue 11).
/// </summary>
[TestFixture]
public sealed class ZkClusterMetadataReconcileTests
{
    private ZooKeeperServer _zk = null!;

    [OneTimeSetUp]
    public async Task StartZooKeeper() => _zk = await ZooKeeperServer.LaunchAsync();

    [OneTimeTearDown]
    public async Task StopZooKeeper() => await _zk.DisposeAsync();

    [Test]
    public async Task LostLeaderAndIsr_LeaderElectedMeanwhile_IsLearnedByTheReconcile_WithAWarning()
    {
        await using var broker = await StartBrokerAsync(reconcileMs: 300);
        var state = PartitionStateZNode.PathOf("t", 0);
        await broker.Store.CreateTopicAsync(new TopicZNode("t", KafkaUuid.NewRandom().ToString(), new Dictionary<int, int[]> { [0] = [1] }), new Dictionary<string, string>());
        await Poll.UntilAsync(() => broker.Replicas.TryGet("t", 0, out _), TimeSpan.FromSeconds(10), "the broker to host t-0 (no leader yet)");
        Assert.That(broker.Replicas.TryGet("t", 0, out var hosted) && !hosted.IsLeader, "no state yet: offline follower");

        await broker.Store.Client.CreateRecursiveAsync(state, new PartitionStateZNode(1, 0, [1], 1).Encode());

        await Poll.UntilAsync(() => hosted.IsLeader && hosted.LeaderEpoch == 0, TimeSpan.FromSeconds(5), "the reconcile to make the broker leader");
        Assert.That(broker.Warnings, Has.Some.Contains("Partition t-0 drifted from ZooKeeper").And.Contains("ZooKeeper says leader at epoch 0"));
        Assert.That(broker.Warnings, Has.Some.Contains("repaired 1 partition(s)"));
    }

    [Test]
    public async Task NoDrift_NoWarning()
    {
        // Created before the start: the complete start-up read learns it (no controller here pushes it, and learning a
        // change through a reconcile is drift by definition now that brokers no longer watch the layout).
        await using var broker = await StartBrokerAsync(reconcileMs: 100, seed: async store =>
        {
            await store.CreateTopicAsync(new TopicZNode("t", KafkaUuid.NewRandom().ToString(), new Dictionary<int, int[]> { [0] = [1] }), new Dictionary<string, string>());
            await store.Client.CreateRecursiveAsync(PartitionStateZNode.PathOf("t", 0), new PartitionStateZNode(1, 0, [1], 1).Encode());
        });
        await Poll.UntilAsync(() => broker.Replicas.TryGet("t", 0, out var p) && p.IsLeader, TimeSpan.FromSeconds(10), "the broker to lead t-0");
        int after = broker.Metadata.ReconcileCount;
        await Poll.UntilAsync(() => broker.Metadata.ReconcileCount >= after + 3, TimeSpan.FromSeconds(10), "three reconcile passes");
        Assert.That(broker.Warnings, Has.None.Contains("drifted"));
    }

    private async Task<TestBroker> StartBrokerAsync(long reconcileMs, Func<KafkaZkStore, Task>? seed = null)
    {
        string chroot = "/r-" + Guid.NewGuid().ToString("N")[..10];
        await using (var root = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = _zk.ConnectString }))
        {
            await root.ConnectAsync();
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty);
        }

        var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = _zk.ConnectString + chroot, SessionTimeout = TimeSpan.FromSeconds(6) });
        await client.ConnectAsync();
        var store = new KafkaZkStore(client);
        await store.EnsurePersistentPathsAsync();
        if (seed is not null) await seed(store);
        var config = BrokerConfig.FromEntries(
            [PropertiesFile.ParseOverride("broker.id=1"), PropertiesFile.ParseOverride($"zookeeper.connect={_zk.ConnectString}"),
             PropertiesFile.ParseOverride($"broker.metadata.reconcile.interval.ms={reconcileMs}")], out _);
        var dir = new TempDirectory();
        var logs = new LogManager(new LogManagerOptions { LogDirs = [dir.Path], BrokerId = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        var replicas = new ReplicaManager(logs, config);
        var warnings = new ConcurrentQueue<string>();
        var loggers = new WarningCollector(warnings);
        var metadata = new ZkClusterMetadata(store, config, replicas, TimeProvider.System, loggers);
        await metadata.StartAsync(CancellationToken.None);
        return new TestBroker(client, store, metadata, replicas, logs, dir, loggers, warnings);
    }

    private sealed record TestBroker(ZooKeeperClient Client, KafkaZkStore Store, ZkClusterMetadata Metadata, ReplicaManager Replicas,
        LogManager Logs, TempDirectory Dir, ILoggerFactory Loggers, ConcurrentQueue<string> WarningQueue) : IAsyncDisposable
    {
        public IReadOnlyList<string> Warnings => [.. WarningQueue];

        public async ValueTask DisposeAsync()
        {
            await Metadata.DisposeAsync();
            await Client.DisposeAsync();
            Logs.Dispose();
            Loggers.Dispose();
            Dir.Dispose();
        }
    }

    /// <summary>A logger factory that collects the formatted messages of warnings and errors.</summary>
    private sealed class WarningCollector(ConcurrentQueue<string> sink) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) sink.Enqueue(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }
}
