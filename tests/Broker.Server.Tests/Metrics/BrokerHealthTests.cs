using System.Text;
using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Metrics;
using Broker.Server.Partitions;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Metrics;

/// <summary>
/// Readiness and the replica gauges over a real ReplicaManager and log: not ready until joined, nor while a partition
/// the cluster view says this broker leads is not led here, nor once stopping; under-replicated counted on the leader.
/// </summary>
[TestFixture]
public sealed class BrokerHealthTests
{
    private TempDirectory _dir = null!;
    private LogManager _logs = null!;
    private ReplicaManager _replicas = null!;
    private OneTopic _cluster = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory("broker-health");
        _logs = new LogManager(new LogManagerOptions { LogDirs = [_dir.Path], BrokerId = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        var config = BrokerConfig.FromEntries([new PropertyEntry("broker.id", "1", ConfigSource.CommandLine)], out _);
        _replicas = new ReplicaManager(_logs, config);
        _cluster = new OneTopic();
    }

    [TearDown]
    public void TearDown()
    {
        _logs.Dispose();
        _dir.Dispose();
    }

    [Test]
    public void Ready_OnlyWhenJoined_LeadingWhatTheViewSays_AndNotStopping()
    {
        var health = new BrokerHealth(_replicas, _cluster);
        Assert.That(health.NotReadyReason(), Does.StartWith("starting"));
        health.MarkJoined();
        Assert.That(health.NotReadyReason(), Is.EqualTo("partition t-0 is assigned to this broker as leader but not led here"));

        var partition = _replicas.Host(new Storage.TopicPartition("t", 0), KafkaUuid.Zero, leader: false);
        partition.MakeLeader(1, [1, 2], [1, 2], 0);
        Assert.That(health.NotReadyReason(), Is.Null);

        health.MarkStopping();
        Assert.That(health.NotReadyReason(), Is.EqualTo("shutting down"));
    }

    [Test]
    public async Task ReplicaGauges_CountLeadersAndUnderReplicated()
    {
        var metrics = new BrokerMetrics();
        _ = new ReplicaGauges(metrics, _replicas, _cluster, () => true);
        var partition = _replicas.Host(new Storage.TopicPartition("t", 0), KafkaUuid.Zero, leader: false);
        partition.MakeLeader(1, [1, 2], [1], 0);
        string text = await ExportAsync(metrics);
        Assert.That(text, Does.Contain("kafka_server_replicamanager_leadercount 1\n"));
        Assert.That(text, Does.Contain("kafka_server_replicamanager_underreplicatedpartitions 1\n"));
        Assert.That(text, Does.Contain("kafka_controller_kafkacontroller_globalpartitioncount 1\n"));

        partition.MakeFollower(2, 2, [1, 2], [2], 1);
        text = await ExportAsync(metrics);
        Assert.That(text, Does.Contain("kafka_server_replicamanager_leadercount 0\n"));
        Assert.That(text, Does.Contain("kafka_server_replicamanager_underreplicatedpartitions 0\n"));
        Assert.That(text, Does.Contain("kafka_log_log_size{topic=\"t\",partition=\"0\"} 0\n"));

        _replicas.StopReplica(partition.Id);
        Assert.That(await ExportAsync(metrics), Does.Not.Contain("kafka_log_log_size{"), "a replica moved away leaves no stale series");
    }

    private static async Task<string> ExportAsync(BrokerMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A cluster view with topic t, partition 0 led by broker 1 (this one), replicas 1 and 2.</summary>
    private sealed class OneTopic : IClusterMetadata
    {
        private readonly TopicInfo _topic = new("t", KafkaUuid.Zero, [new PartitionInfo(0, 1, 1, [1, 2], [1, 2])], false);

        public string ClusterId => "test";

        public int ControllerId => 1;

        public int LocalBrokerId => 1;

        public IReadOnlyList<BrokerNode> Brokers => [];

        public IReadOnlyCollection<TopicInfo> Topics => [_topic];

        public bool TryGetTopic(string name, out TopicInfo topic)
        {
            topic = _topic;
            return name == "t";
        }

        public bool TryGetTopic(KafkaUuid id, out TopicInfo topic)
        {
            topic = _topic;
            return false;
        }
    }
}
