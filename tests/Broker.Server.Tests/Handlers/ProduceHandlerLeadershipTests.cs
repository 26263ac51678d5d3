using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Handlers;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Server.Tests.Partitions;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Handlers;

/// <summary>
/// What an acks=all produce is answered when leadership changes while it waits for replication. The epoch it waits
/// under is the one its batch was appended with (decided under the partition lock, with the append): a new epoch while
/// this broker stays leader keeps the batch where it is, so the answer is the replication outcome, never
/// NOT_LEADER_OR_FOLLOWER for a stored batch (a non-idempotent producer would retry and duplicate it). Losing
/// leadership in between is NOT_LEADER_OR_FOLLOWER (as follower the log may have been truncated).
/// </summary>
public class ProduceHandlerLeadershipTests
{
    private TempDirectory _dir = null!;
    private LogManager _logs = null!;
    private ReplicaManager _replicas = null!;
    private Partition _partition = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory("produce-handler");
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _logs = new LogManager(new LogManagerOptions { LogDirs = [_dir.Path], BrokerId = 1 }, _time, NullLoggerFactory.Instance);
        var config = BrokerConfig.FromEntries([new PropertyEntry("broker.id", "1", ConfigSource.CommandLine)], out _);
        _replicas = new ReplicaManager(_logs, config, _time);
        _partition = _replicas.Host(new Storage.TopicPartition("t", 0), KafkaUuid.Zero, leader: false);
        _partition.MakeLeader(5, [1, 2], [1, 2], 0);
    }

    [TearDown]
    public void TearDown()
    {
        _logs.Dispose();
        _dir.Dispose();
    }

    [Test]
    public async Task NewEpochWhileStillLeader_AnswersTheReplicationOutcome()
    {
        var handler = new ProduceHandler(_replicas, new NoCluster(), TimeProvider.System);
        var answer = Produce(handler);
        Assert.That(answer.IsCompleted, Is.False, "waits for follower 2");

        _partition.MakeLeader(6, [1, 2], [1, 2], 1); // re-elected: same leader, new epoch
        _partition.UpdateFollowerFetchState(2, _partition.Log.LogEndOffset);

        var result = (await answer.AsTask().WaitAsync(TimeSpan.FromSeconds(10)))!;
        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.None), "the batch is stored and replicated");
        Assert.That(result.BaseOffset, Is.EqualTo(0));
    }

    [Test]
    public async Task LeadershipLostAndRegained_AnswersNotLeader()
    {
        var handler = new ProduceHandler(_replicas, new NoCluster(), TimeProvider.System);
        var answer = Produce(handler);

        _partition.MakeFollower(2, 6, [1, 2], [1, 2], 1);
        _partition.MakeLeader(7, [1, 2], [1, 2], 2);
        _partition.UpdateFollowerFetchState(2, _partition.Log.LogEndOffset);

        var result = (await answer.AsTask().WaitAsync(TimeSpan.FromSeconds(10)))!;
        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.NotLeaderOrFollower));
    }

    private static async ValueTask<ProduceResponse.PartitionResponse> Produce(ProduceHandler handler)
    {
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30_000,
            TopicData =
            [
                new ProduceRequest.ProduceTopic
                {
                    Name = "t",
                    PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(PartitionHarness.Batch(3)) }],
                },
            ],
        };
        var context = new RequestContext(new RequestHeader((short)ApiKey.Produce, 9, 1, "test"), 1, null, CancellationToken.None);
        var response = (ProduceResponse)(await ((IRequestHandler)handler).HandleAsync(context, request))!;
        return response.Responses[0].PartitionResponses[0];
    }

    internal sealed class NoCluster : IClusterMetadata
    {
        public string ClusterId => "test";

        public int ControllerId => -1;

        public int LocalBrokerId => 1;

        public IReadOnlyList<BrokerNode> Brokers => [];

        public IReadOnlyCollection<TopicInfo> Topics => [];

        public bool TryGetTopic(string name, out TopicInfo topic)
        {
            topic = null!;
            return false;
        }

        public bool TryGetTopic(KafkaUuid id, out TopicInfo topic)
        {
            topic = null!;
            return false;
        }
    }
}
