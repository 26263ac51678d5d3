using Broker.Protocol;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Partitions;

/// <summary>
/// <see cref="ReplicaManager.StopReplica"/> (Kafka's StopReplica with delete): the replica stops leading and following,
/// requests waiting on it fail, and its log is deleted.
/// </summary>
public class ReplicaManagerStopReplicaTests
{
    [Test]
    public async Task StopReplica_FailsWaitingProduces_RaisesLeadershipChanged_AndDeletesTheLog()
    {
        using var dir = new TempDirectory("stop-replica");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using var logs = new LogManager(new LogManagerOptions { LogDirs = [dir.Path], BrokerId = 1 }, time, NullLoggerFactory.Instance);
        var config = BrokerConfig.FromEntries([new PropertyEntry("broker.id", "1", ConfigSource.CommandLine)], out _);
        var replicas = new ReplicaManager(logs, config, time);
        var id = new Storage.TopicPartition("t", 0);
        var partition = replicas.Host(id, KafkaUuid.Zero, leader: false);
        partition.MakeLeader(3, [1, 2], [1, 2], 0);
        var appended = partition.AppendAsLeader(PartitionHarness.Batch(2), requireMinIsr: true);
        Assert.That(appended.Error, Is.EqualTo(ErrorCode.None));
        var waiting = partition.WaitForReplicationAsync(appended.Log.LastOffset + 1, appended.LeaderEpoch, TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None);
        var changed = new List<Partition>();
        replicas.LeadershipChanged += changed.Add;
        string folder = partition.Log.Directory;

        Assert.That(replicas.StopReplica(id), Is.True);

        Assert.That(await waiting.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(ErrorCode.NotLeaderOrFollower));
        Assert.Multiple(() =>
        {
            Assert.That(partition.IsLeader, Is.False);
            Assert.That(changed, Is.EqualTo(new[] { partition }), "the group coordinator unloads what it led");
            Assert.That(replicas.TryGet("t", 0, out _), Is.False);
            Assert.That(logs.Get("t", 0), Is.Null);
            Assert.That(Directory.Exists(folder), Is.False);
            Assert.That(replicas.StopReplica(id), Is.False, "already stopped");
        });
    }
}
