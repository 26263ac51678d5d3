using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Server.Topics;
using Broker.Storage;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Partitions;

/// <summary>
/// Hosting a partition whose folder holds the log of a deleted topic of the same name (issue 11, finding 2: the
/// broker was offline while the topic was deleted and re-created).
/// </summary>
[TestFixture]
public sealed class ReplicaManagerHostTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private LogManager OpenLogs() => new(new LogManagerOptions { LogDirs = [_dir.Path], BrokerId = 1 }, TimeProvider.System, NullLoggerFactory.Instance);

    private static BrokerConfig Config() => BrokerConfig.FromEntries([PropertiesFile.ParseOverride("broker.id=1")], out _);

    [Test]
    public void LogOfAnotherTopicId_IsMovedAsideAndReplacedByAnEmptyLog()
    {
        var oldId = KafkaUuid.NewRandom();
        var newId = KafkaUuid.NewRandom();
        var tp = new TopicPartition("t", 0);
        string folder;
        using (var logs = OpenLogs())
        {
            var old = new ReplicaManager(logs, Config()).Host(tp, oldId, leader: false);
            old.Log.AppendAsFollower(new RecordBatchBuilder { PartitionLeaderEpoch = 5 }.Add("k", "deleted record").Add("k", "another").Build());
            Assert.That((old.Log.LogEndOffset, old.Log.LeaderEpochs.LatestEpoch), Is.EqualTo((2L, 5)));
            folder = old.Log.Directory;
            logs.CheckpointHighWatermarks(new Dictionary<TopicPartition, long> { [tp] = 2 });
        }

        using (var logs = OpenLogs())
        {
            Assert.That(logs.Get("t", 0)?.LogEndOffset, Is.EqualTo(2), "the old log is recovered at start-up");
            var hosted = new ReplicaManager(logs, Config()).Host(tp, newId, leader: false);

            Assert.Multiple(() =>
            {
                Assert.That(hosted.Log.LogEndOffset, Is.Zero, "none of the deleted topic's records remain");
                Assert.That(hosted.HighWatermark, Is.Zero, "the old log's checkpointed high watermark is not carried over");
                Assert.That(hosted.Log.LeaderEpochs.LatestEpoch, Is.EqualTo(LeaderEpochCache.UndefinedEpoch), "nor its leader epochs");
                Assert.That(PartitionMetadataFile.Read(hosted.Log.Directory), Is.EqualTo(newId));
                Assert.That(hosted.Log.Directory, Is.EqualTo(folder), "the new log takes the partition's folder");
            });
        }
    }

    [Test]
    public void LogOfTheSameTopicId_IsKept()
    {
        var id = KafkaUuid.NewRandom();
        var tp = new TopicPartition("t", 0);
        using (var logs = OpenLogs())
        {
            var p = new ReplicaManager(logs, Config()).Host(tp, id, leader: false);
            p.Log.AppendAsFollower(new RecordBatchBuilder().Add("k", "kept").Build());
        }

        using (var logs = OpenLogs())
        {
            var hosted = new ReplicaManager(logs, Config()).Host(tp, id, leader: false);
            Assert.That(hosted.Log.LogEndOffset, Is.EqualTo(1));
        }
    }
}
