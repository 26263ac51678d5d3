using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Tests.InMemory;

namespace Broker.Server.Tests.Handlers;

/// <summary>
/// A partition answered with an error carries an empty record set, as Kafka sends it: size 0 (classic) or compact
/// length 1 (flexible, v12). A null set (size -1) makes librdkafka reject the whole response ("invalid MessageSetSize
/// -1"), so it never sees OFFSET_OUT_OF_RANGE (auto.offset.reset never fires) nor UNKNOWN_TOPIC_OR_PARTITION.
/// </summary>
public sealed class FetchErrorEncodingTests
{
    private InMemoryBroker _broker = null!;
    private InMemoryClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _broker = await InMemoryBroker.StartAsync();
        await _broker.CreateTopicAsync("t", partitions: 2);
        _client = _broker.Connect();
        await _client.ProduceAsync("t", 0, ("a", 1000), ("b", 1001), ("c", 1002));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [TestCase((short)4, new byte[] { 0, 0, 0, 0 }, TestName = "OffsetOutOfRange_v4_RecordSetSizeIsZero")]
    [TestCase((short)11, new byte[] { 0, 0, 0, 0 }, TestName = "OffsetOutOfRange_v11_RecordSetSizeIsZero")]
    [TestCase((short)12, new byte[] { 1, 0, 0, 0 }, TestName = "OffsetOutOfRange_v12_CompactRecordSetLengthIsOne")]
    public async Task OffsetOutOfRange_IsAnsweredWithAnEmptyRecordSet(short version, byte[] tail)
    {
        var response = await _client.FetchAsync(version, ("t", 0, 1000));

        var partition = response.Responses.Single().Partitions.Single();
        Assert.That((ErrorCode)partition.ErrorCode, Is.EqualTo(ErrorCode.OffsetOutOfRange));
        Assert.That(partition.Records, Is.Not.Null, "record set encoded as null (size -1)");
        Assert.That(partition.Records!.Length, Is.Zero);
        if (version >= 5) Assert.That(partition.LogStartOffset, Is.EqualTo(0));
        Assert.That(partition.HighWatermark, Is.EqualTo(3));
        // The record set is the last field of the only partition of the only topic: the frame ends with its size
        // (then, in v12, the partition's, topic's and response's empty tagged fields).
        Assert.That(_client.LastResponseFrame[^4..], Is.EqualTo(tail));
    }

    [TestCase((short)4)]
    [TestCase((short)12)]
    public async Task UnknownTopic_IsAnsweredWithAnEmptyRecordSet(short version)
    {
        var response = await _client.FetchAsync(version, ("missing", 0, 0));

        var partition = response.Responses.Single().Partitions.Single();
        Assert.That((ErrorCode)partition.ErrorCode, Is.EqualTo(ErrorCode.UnknownTopicOrPartition));
        Assert.That(partition.Records, Is.Not.Null, "record set encoded as null (size -1)");
        Assert.That(partition.Records!.Length, Is.Zero);
    }

    [Test]
    public async Task ErrorPartition_NextToOneWithData_BothDecode()
    {
        var response = await _client.FetchAsync(12, ("t", 0, 0), ("t", 1, 5), ("gone", 3, 0));

        var t = response.Responses.Single(r => r.Topic == "t").Partitions;
        Assert.That((ErrorCode)t[0].ErrorCode, Is.EqualTo(ErrorCode.None));
        Assert.That(t[0].Records!.Length, Is.GreaterThan(0));
        Assert.That((ErrorCode)t[1].ErrorCode, Is.EqualTo(ErrorCode.OffsetOutOfRange));
        Assert.That(t[1].Records, Is.Not.Null);
        Assert.That(t[1].Records!.Length, Is.Zero);
        var gone = response.Responses.Single(r => r.Topic == "gone").Partitions.Single();
        Assert.That((ErrorCode)gone.ErrorCode, Is.EqualTo(ErrorCode.UnknownTopicOrPartition));
        Assert.That(gone.Records, Is.Not.Null);
    }
}
