using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Server.Configuration;
using Broker.Server.Handlers;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Handlers;

/// <summary>
/// The answer to a batch that repeats a stored batch's producer id, epoch and sequence range with other records
/// (issue 11: kafkajs 2.2.4 rolls its sequence back after a request that failed on the client side although the
/// broker stored it). Kafka answers success with the stored batch's offset (the new records are acknowledged but never
/// stored); this broker answers CORRUPT_MESSAGE, a retriable code, so that kafkajs retries the call with a fresh
/// sequence instead of failing it (INVALID_RECORD, 87, is not retried by kafkajs).
/// </summary>
public class ProduceHandlerSequenceReuseTests
{
    private const long Pid = 4000;
    private TempDirectory _dir = null!;
    private LogManager _logs = null!;
    private ReplicaManager _replicas = null!;
    private Partition _partition = null!;
    private ProduceHandler _handler = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory("produce-reuse");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _logs = new LogManager(new LogManagerOptions { LogDirs = [_dir.Path], BrokerId = 1 }, time, NullLoggerFactory.Instance);
        var config = BrokerConfig.FromEntries([new PropertyEntry("broker.id", "1", ConfigSource.CommandLine)], out _);
        _replicas = new ReplicaManager(_logs, config, time);
        _partition = _replicas.Host(new Storage.TopicPartition("t", 0), KafkaUuid.Zero, leader: false);
        _partition.MakeLeader(1, [1], [1], 0);
        _handler = new ProduceHandler(_replicas, new ProduceHandlerLeadershipTests.NoCluster(), TimeProvider.System);
    }

    [TearDown]
    public void TearDown()
    {
        _logs.Dispose();
        _dir.Dispose();
    }

    [Test]
    public async Task ReusedSequenceWithOtherRecords_IsRetriableCorruptMessage_AndNotStored()
    {
        Assert.That((ErrorCode)(await Produce(Batch(0, 3, "stored"))).ErrorCode, Is.EqualTo(ErrorCode.None));

        var reused = await Produce(Batch(0, 3, "other"));

        Assert.That((ErrorCode)reused.ErrorCode, Is.EqualTo(ErrorCode.CorruptMessage), "retriable: kafkajs retries with a fresh sequence");
        Assert.That(reused.ErrorMessage, Does.Contain("reuses sequence 0"));
        Assert.That(reused.BaseOffset, Is.EqualTo(-1), "never the stored batch's offset (Kafka's false acknowledgment)");
        Assert.That(_partition.Log.LogEndOffset, Is.EqualTo(3), "nothing appended");
    }

    [Test]
    public async Task TrueRetry_IsStillAnsweredWithTheStoredOffset()
    {
        Assert.That((ErrorCode)(await Produce(Batch(0, 3, "stored"))).ErrorCode, Is.EqualTo(ErrorCode.None));

        var retry = await Produce(Batch(0, 3, "stored"));

        Assert.That(((ErrorCode)retry.ErrorCode, retry.BaseOffset), Is.EqualTo((ErrorCode.None, 0L)));
        Assert.That(_partition.Log.LogEndOffset, Is.EqualTo(3));
    }

    private static byte[] Batch(int baseSequence, int count, string prefix)
    {
        var builder = new RecordBatchBuilder(1_700_000_000_000) { ProducerId = Pid, ProducerEpoch = 0, BaseSequence = baseSequence };
        for (int i = 0; i < count; i++) builder.Add("k" + i, prefix + i, 1_700_000_000_000 + i);
        return builder.Build();
    }

    private async Task<ProduceResponse.PartitionResponse> Produce(byte[] batch)
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
                    PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(batch) }],
                },
            ],
        };
        var context = new RequestContext(new RequestHeader((short)ApiKey.Produce, 9, 1, "test"), 1, null, CancellationToken.None);
        var response = (ProduceResponse)(await ((IRequestHandler)_handler).HandleAsync(context, request).AsTask().WaitAsync(TimeSpan.FromSeconds(10)))!;
        return response.Responses[0].PartitionResponses[0];
    }
}
