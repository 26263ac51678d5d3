using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12: memory per request is bounded. A Fetch naming one partition many times is served once and within
/// fetch.max.bytes (a 369-byte fetch built a 404 MB response); a huge partition count is refused before anything is
/// allocated or created.
/// </summary>
[TestFixture]
public sealed class MemoryBoundTests : SingleBrokerFixture
{
    private const int FetchMaxBytes = 256 * 1024;
    private const int BatchValueBytes = 32 * 1024;
    private const int Batches = 32; // ~1 MiB in the partition

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["fetch.max.bytes"] = FetchMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Test]
    public void Fetch_NamingOnePartitionTwentyTimes_IsServedOnce()
    {
        string topic = UniqueTopic("dup-fetch");
        WireOps.CreateTopic(Broker.Port, topic);
        WireOps.Produce(Broker.Port, topic, 4, BatchValueBytes);
        using var c = new RawConnection(Broker.Port);
        var response = c.RoundTrip<FetchResponse>(WireOps.Fetch(topic, maxWaitMs: 0, copies: 20), 12);
        var partitions = response.Responses.SelectMany(t => t.Partitions).ToList();
        Assert.That(partitions, Has.Count.EqualTo(1), "one entry per partition, as Kafka keys the request by partition");
        Assert.That(partitions[0].ErrorCode, Is.EqualTo(0));
        Assert.That(partitions[0].Records!.Length, Is.InRange(4 * BatchValueBytes, 5 * BatchValueBytes), "the partition's records, once");
        WireOps.AssertServes(Broker.Port);
    }

    [Test]
    public void Fetch_AskingForEverything_IsBoundedByFetchMaxBytes()
    {
        string topic = UniqueTopic("max-bytes");
        WireOps.CreateTopic(Broker.Port, topic);
        WireOps.Produce(Broker.Port, topic, Batches, BatchValueBytes);
        using var c = new RawConnection(Broker.Port);
        var response = c.RoundTrip<FetchResponse>(WireOps.Fetch(topic, maxWaitMs: 0), 12);
        int bytes = response.Responses.SelectMany(t => t.Partitions).Sum(p => p.Records?.Length ?? 0);
        Assert.That(bytes, Is.GreaterThan(0).And.LessThanOrEqualTo(FetchMaxBytes), "max_bytes = 2^31-1 is cut to fetch.max.bytes");
        WireOps.AssertServes(Broker.Port);
    }

    [TestCase(false, int.MaxValue - 1)]
    [TestCase(true, int.MaxValue - 1)]
    [TestCase(true, 1_000_000)]
    public void CreateTopics_HugePartitionCount_IsRefusedClearly_AndNothingIsCreated(bool validateOnly, int partitions)
    {
        string topic = UniqueTopic("huge");
        using var c = new RawConnection(Broker.Port);
        var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }],
            TimeoutMs = 5000,
            ValidateOnly = validateOnly,
        }, 7);
        var result = created.Topics.Single();
        Assert.That(result.ErrorCode, Is.EqualTo((short)ErrorCode.InvalidPartitions));
        Assert.That(result.ErrorMessage, Does.Contain("exceeds this broker's limit").And.Contain("open-file limit"));
        var meta = c.RoundTrip<MetadataResponse>(new MetadataRequest { Topics = null }, 12);
        Assert.That(meta.Topics.Select(t => t.Name), Does.Not.Contain(topic));
        Assert.That(Directory.EnumerateDirectories(Broker.LogDir, topic + "-*"), Is.Empty, "no partition folder on disk");
        WireOps.AssertServes(Broker.Port);
    }

    [Test]
    public void CreatePartitions_HugeTotal_IsRefusedClearly_AndTheTopicKeepsItsPartitions()
    {
        string topic = UniqueTopic("grow-huge");
        WireOps.CreateTopic(Broker.Port, topic);
        using var c = new RawConnection(Broker.Port);
        var grown = c.RoundTrip<CreatePartitionsResponse>(new CreatePartitionsRequest
        {
            Topics = [new CreatePartitionsRequest.CreatePartitionsTopic { Name = topic, Count = 1_000_000, Assignments = null }],
            TimeoutMs = 5000,
        }, 3);
        var result = grown.Results.Single();
        Assert.That(result.ErrorCode, Is.EqualTo((short)ErrorCode.InvalidPartitions));
        Assert.That(result.ErrorMessage, Does.Contain("exceeds this broker's limit"));
        Assert.That(Directory.EnumerateDirectories(Broker.LogDir, topic + "-*").Count(), Is.EqualTo(1));
        WireOps.AssertServes(Broker.Port);
    }
}
