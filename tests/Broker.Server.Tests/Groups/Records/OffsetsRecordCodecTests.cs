using Broker.Server.Groups.Records;

namespace Broker.Server.Tests.Groups.Records;

/// <summary>Byte layouts computed by hand from the reference schemas (protocol-compat.md §6).</summary>
public sealed class OffsetsRecordCodecTests
{
    [Test]
    public void EncodeOffsetKey_IsVersion1GroupTopicPartition()
    {
        byte[] expected = [0, 1, 0, 1, (byte)'g', 0, 1, (byte)'t', 0, 0, 0, 1];
        Assert.That(OffsetsRecordCodec.EncodeOffsetKey(new OffsetCommitKey("g", "t", 1)), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeGroupKey_IsVersion2Group()
    {
        byte[] expected = [0, 2, 0, 1, (byte)'g'];
        Assert.That(OffsetsRecordCodec.EncodeGroupKey("g"), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeOffsetValue_WithoutExpiry_IsVersion3WithLeaderEpoch()
    {
        byte[] expected =
        [
            0, 3,
            0, 0, 0, 0, 0, 0, 0, 5, // offset
            0, 0, 0, 2, // leader epoch
            0, 1, (byte)'m', // metadata
            0, 0, 0, 0, 0, 0, 0x03, 0xE8, // commit timestamp 1000
        ];
        Assert.That(OffsetsRecordCodec.EncodeOffsetValue(new OffsetCommitValue(5, 2, "m", 1000)), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeOffsetValue_WithExpiry_IsVersion1()
    {
        byte[] expected =
        [
            0, 1,
            0, 0, 0, 0, 0, 0, 0, 5,
            0, 0, // empty metadata
            0, 0, 0, 0, 0, 0, 0x03, 0xE8,
            0, 0, 0, 0, 0, 0, 0x07, 0xD0, // expire timestamp 2000
        ];
        Assert.That(OffsetsRecordCodec.EncodeOffsetValue(new OffsetCommitValue(5, 9, "", 1000, 2000)), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeGroupValue_IsVersion1WithRebalanceTimeout()
    {
        var value = new GroupMetadataRecord("consumer", 3, "range", "m1", 12345,
            [new GroupMemberRecord("m1", "ignored-in-v1", "c", "/h", 300000, 10000, [1, 2], [3])]);
        byte[] expected =
        [
            0, 1,
            0, 8, .. "consumer"u8,
            0, 0, 0, 3,
            0, 5, .. "range"u8,
            0, 2, .. "m1"u8,
            0, 0, 0, 1,
            0, 2, .. "m1"u8,
            0, 1, .. "c"u8,
            0, 2, .. "/h"u8,
            0x00, 0x04, 0x93, 0xE0, // rebalance timeout 300000
            0x00, 0x00, 0x27, 0x10, // session timeout 10000
            0, 0, 0, 2, 1, 2,
            0, 0, 0, 1, 3,
        ];
        Assert.That(OffsetsRecordCodec.EncodeGroupValue(value), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeGroupValue_EmptyGroup_HasNullProtocolAndLeader()
    {
        var value = new GroupMetadataRecord("consumer", 4, null, null, -1, []);
        byte[] expected = [0, 1, 0, 8, .. "consumer"u8, 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];
        Assert.That(OffsetsRecordCodec.EncodeGroupValue(value), Is.EqualTo(expected));
    }

    [Test]
    public void DecodeKey_ReadsOffsetAndGroupKeys()
    {
        var offset = OffsetsRecordCodec.DecodeKey(new byte[] { 0, 0, 0, 1, (byte)'g', 0, 1, (byte)'t', 0, 0, 0, 7 });
        Assert.That(offset.Offset, Is.EqualTo(new OffsetCommitKey("g", "t", 7)));
        var group = OffsetsRecordCodec.DecodeKey(new byte[] { 0, 2, 0, 2, (byte)'g', (byte)'2' });
        Assert.That(group.IsGroupKey, Is.True);
        Assert.That(group.Group, Is.EqualTo("g2"));
    }

    [Test]
    public void DecodeKey_UnknownVersion_Throws() =>
        Assert.Throws<InvalidDataException>(() => OffsetsRecordCodec.DecodeKey(new byte[] { 0, 9, 0, 0 }));

    [Test]
    public void DecodeOffsetValue_Version0And2_HaveNoEpoch()
    {
        byte[] v0 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 1, (byte)'x', 0, 0, 0, 0, 0, 0, 0, 9];
        Assert.That(OffsetsRecordCodec.DecodeOffsetValue(v0), Is.EqualTo(new OffsetCommitValue(8, -1, "x", 9)));
        v0[1] = 2;
        Assert.That(OffsetsRecordCodec.DecodeOffsetValue(v0), Is.EqualTo(new OffsetCommitValue(8, -1, "x", 9)));
    }

    [Test]
    public void OffsetValue_RoundTrips()
    {
        var v3 = new OffsetCommitValue(42, 7, "meta", 1_700_000_000_000);
        var v1 = new OffsetCommitValue(42, -1, "meta", 1_700_000_000_000, 1_700_000_100_000);
        Assert.That(OffsetsRecordCodec.DecodeOffsetValue(OffsetsRecordCodec.EncodeOffsetValue(v3)), Is.EqualTo(v3));
        Assert.That(OffsetsRecordCodec.DecodeOffsetValue(OffsetsRecordCodec.EncodeOffsetValue(v1)), Is.EqualTo(v1));
    }

    [Test]
    public void DecodeGroupValue_Version3_ReadsInstanceIdAndStateTimestamp()
    {
        byte[] v3 =
        [
            0, 3,
            0, 8, .. "consumer"u8,
            0, 0, 0, 1,
            0, 5, .. "range"u8,
            0, 1, .. "a"u8,
            0, 0, 0, 0, 0, 0, 0, 0x64, // current state timestamp 100
            0, 0, 0, 1,
            0, 1, .. "a"u8,
            0, 2, .. "i1"u8, // group instance id
            0, 1, .. "c"u8,
            0, 2, .. "/h"u8,
            0, 0, 0, 0x10, // rebalance
            0, 0, 0, 0x20, // session
            0, 0, 0, 0,
            0, 0, 0, 1, 9,
        ];
        var decoded = OffsetsRecordCodec.DecodeGroupValue(v3);
        Assert.That(decoded.CurrentStateTimestamp, Is.EqualTo(100));
        Assert.That(decoded.Leader, Is.EqualTo("a"));
        var m = decoded.Members.Single();
        Assert.That((m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs, m.SessionTimeoutMs),
            Is.EqualTo(("a", (string?)"i1", "c", "/h", 16, 32)));
        Assert.That(m.Assignment, Is.EqualTo(new byte[] { 9 }));
    }

    [Test]
    public void GroupValue_Version1_RoundTripsWithoutInstanceId()
    {
        var value = new GroupMetadataRecord("consumer", 3, "range", "m1", -1,
            [new GroupMemberRecord("m1", null, "c", "/127.0.0.1", 300000, 10000, [1, 2], [3])]);
        var decoded = OffsetsRecordCodec.DecodeGroupValue(OffsetsRecordCodec.EncodeGroupValue(value));
        Assert.That(decoded with { Members = [] }, Is.EqualTo(value with { Members = [] }));
        Assert.That(decoded.Members.Single().SessionTimeoutMs, Is.EqualTo(10000));
        Assert.That(decoded.Members.Single().Subscription, Is.EqualTo(new byte[] { 1, 2 }));
    }
}
