using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Partitions;

/// <summary>
/// A broker with two log dirs, one of which went offline (Kafka's HostedPartition.Offline): the offline dir's
/// partitions answer KAFKA_STORAGE_ERROR and are stopped, no later state makes them lead again; the other dir's
/// partitions are served as before.
/// </summary>
public sealed class OfflineLogDirTests
{
    [Test]
    public async Task PartitionsOfTheOfflineDir_AnswerStorageError_StopLeading_AndIgnoreLaterStates_TheOtherDirServes()
    {
        using var a = new TempDirectory("offline-dir-a");
        using var b = new TempDirectory("offline-dir-b");
        using var logs = new LogManager(new LogManagerOptions { LogDirs = [a.Path, b.Path], BrokerId = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        var config = BrokerConfig.FromEntries([new PropertyEntry("broker.id", "1", ConfigSource.CommandLine)], out _);
        var replicas = new ReplicaManager(logs, config);
        var cache = new MetadataCache(1);
        await using var applier = new LeadershipApplier(config, replicas, cache, TimeProvider.System, NullLoggerFactory.Instance);
        var noConfig = new Dictionary<string, string>();
        applier.Apply("t", KafkaUuid.Zero, new PartitionInfo(0, 1, 1, [1, 2], [1, 2]) { StateVersion = 0 }, noConfig);
        applier.Apply("t", KafkaUuid.Zero, new PartitionInfo(1, 1, 1, [1, 2], [1, 2]) { StateVersion = 0 }, noConfig);
        replicas.TryGet("t", 0, out var p0);
        replicas.TryGet("t", 1, out var p1);
        Assert.That((p0.Log.LogDir, p1.Log.LogDir), Is.EqualTo((logs.LogDirs[0], logs.LogDirs[1])), "one partition per dir");

        logs.Failures.MarkOffline(logs.LogDirs[1], "test", new IOException("No space left on device"));
        var stopped = applier.StopReplicasIn(logs.LogDirs[1]);
        applier.Apply("t", KafkaUuid.Zero, new PartitionInfo(1, 1, 2, [1, 2], [1, 2]) { StateVersion = 1 }, noConfig);

        Assert.Multiple(() =>
        {
            Assert.That(stopped.Select(p => p.Id.Partition), Is.EqualTo(new[] { 1 }));
            Assert.That(p1.IsLeader, Is.False, "stopped, and a later state does not make it lead again");
            Assert.That(replicas.IsInOfflineDir("t", 1), Is.True);
            Assert.That(LeaderLookup.Find(replicas, cache, "t", 1, out _), Is.EqualTo(ErrorCode.KafkaStorageError));
            Assert.That(LeaderLookup.Find(replicas, cache, "t", 0, out var served), Is.EqualTo(ErrorCode.None), "the online dir's partition");
            Assert.That(served, Is.SameAs(p0));
        });
    }
}
