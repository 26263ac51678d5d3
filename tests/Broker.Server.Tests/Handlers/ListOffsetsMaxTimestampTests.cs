using Broker.Protocol;
using Broker.Server.Tests.InMemory;

namespace Broker.Server.Tests.Handlers;

/// <summary>
/// ListOffsets with timestamp -3 (MAX_TIMESTAMP, v7, KIP-734): the offset and timestamp of the record with the largest
/// timestamp, wherever it sits: inside a batch, in a middle segment, with timestamps out of order.
/// </summary>
public sealed class ListOffsetsMaxTimestampTests
{
    private InMemoryBroker _broker = null!;
    private InMemoryClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _broker = await InMemoryBroker.StartAsync();
        _client = _broker.Connect();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Test]
    public async Task MaxTimestamp_InsideOneBatch_IsThatRecordsOffset()
    {
        await _broker.CreateTopicAsync("one");
        await _client.ProduceAsync("one", 0, ("a", 1000), ("b", 5000), ("c", 2000));

        var answer = await _client.ListOffsetAsync("one", 0, -3);

        Assert.That((ErrorCode)answer.ErrorCode, Is.EqualTo(ErrorCode.None));
        Assert.That((answer.Timestamp, answer.Offset), Is.EqualTo((5000L, 1L)));
    }

    [Test]
    public async Task MaxTimestamp_InAMiddleSegment_WithOutOfOrderTimestamps_IsThatRecordsOffset()
    {
        // segment.bytes this small puts every batch in a segment of its own.
        await _broker.CreateTopicAsync("many", configs: new Dictionary<string, string> { ["segment.bytes"] = "100" });
        await _client.ProduceAsync("many", 0, ("a", 1000), ("b", 2000));               // offsets 0-1
        await _client.ProduceAsync("many", 0, ("c", 3000), ("d", 7000), ("e", 4000));  // offsets 2-4, max at 3
        await _client.ProduceAsync("many", 0, ("f", 6000));                            // offset 5
        await _client.ProduceAsync("many", 0, ("g", 5000), ("h", 7000));               // offsets 6-7: a tie comes later
        Assert.That(_broker.Log("many", 0).Segments.Count, Is.GreaterThanOrEqualTo(4), "one segment per batch");

        var answer = await _client.ListOffsetAsync("many", 0, -3);

        Assert.That((ErrorCode)answer.ErrorCode, Is.EqualTo(ErrorCode.None));
        Assert.That((answer.Timestamp, answer.Offset), Is.EqualTo((7000L, 3L)), "the first record with the largest timestamp");
        Assert.That(answer.LeaderEpoch, Is.EqualTo(0));
    }

    [Test]
    public async Task MaxTimestamp_OfAnEmptyLog_IsMinusOne()
    {
        await _broker.CreateTopicAsync("empty");

        var answer = await _client.ListOffsetAsync("empty", 0, -3);

        Assert.That((ErrorCode)answer.ErrorCode, Is.EqualTo(ErrorCode.None));
        Assert.That((answer.Timestamp, answer.Offset), Is.EqualTo((-1L, -1L)));
    }
}
